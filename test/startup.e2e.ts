import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltServerToExit, startBuiltServer, stopBuiltServer as stop } from './support/built-server';
import { SHUTDOWN_SIGNALS } from '../apps/api/src/app';
import { DEFAULT_DASHBOARD_DIR } from '../apps/api/src/config/dashboard-config';
import { createDatabase, startServer } from './support/server';

describe('npm start', () => {
  let dataDir: string;
  let database: Awaited<ReturnType<typeof createDatabase>> | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'modelgate-start-'));
    database = process.env.DATABASE_URL ? await createDatabase(process.env.DATABASE_URL) : undefined;
    env = {
      PORT: '0',
      HOST: '127.0.0.1',
      MODELGATE_DATA_DIR: dataDir,
      MODELGATE_ADMIN_KEY: '',
      MODELGATE_ADMIN_PASSWORD: '',
      MODELGATE_DEMO: '',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database?.url ?? '',
    };
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the demo model to the README curl, prints the admin key once, and keeps its data across a restart', async () => {
    const first = await startBuiltServer(env);
    let key: string;
    try {
      key = (await readFile(join(dataDir, 'admin-key'), 'utf8')).trim();
      expect(first.output()).toContain(key);
      // The dashboard login is printed once too, and / answers: the dashboard, or how to build it.
      expect(first.output()).toContain((await readFile(join(dataDir, 'admin-password'), 'utf8')).trim());
      const home = await fetch(`${first.url}/`);
      if (existsSync(join(DEFAULT_DASHBOARD_DIR, 'index.html'))) {
        expect(home.status).toBe(200);
        expect(first.output()).toContain(`Dashboard: ${first.url}/`);
      } else {
        expect(home.status).toBe(503);
        expect(await home.text()).toContain('npm run build');
        expect(first.output()).toContain('once it is built (npm run build)');
      }
      const answer = await fetch(`${first.url}/v2/models/iris/infer`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] }),
      });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { outputs: Array<{ name: string; data: number[] }> };
      expect(body.outputs[0]!.name).toBe('probabilities');
      const [setosa, versicolor, virginica] = body.outputs[0]!.data;
      expect(setosa).toBeGreaterThan(versicolor!);
      expect(setosa).toBeGreaterThan(virginica!);
      // Its classes are named: a Triton client asking for the top class reads the species.
      const top = await fetch(`${first.url}/v2/models/iris/infer`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }],
          outputs: [{ name: 'probabilities', parameters: { classification: 1 } }],
        }),
      });
      const classified = (await top.json()) as { outputs: Array<{ datatype: string; data: string[] }> };
      expect(classified.outputs[0]!.datatype).toBe('BYTES');
      const [value, index, label] = classified.outputs[0]!.data[0]!.split(':');
      expect([index, label]).toEqual(['0', 'setosa']);
      expect(Math.fround(Number(value))).toBe(Math.fround(setosa!));
      // A TF Serving client pointed here works too.
      const tf = await fetch(`${first.url}/v1/models/iris:predict`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}` },
        body: JSON.stringify({ instances: [[6.3, 3.3, 6.0, 2.5]] }),
      });
      const predictions = ((await tf.json()) as { predictions: number[][] }).predictions[0]!;
      expect(predictions.indexOf(Math.max(...predictions))).toBe(2);
      if (!database) {
        // The embedded database was initialised on this new directory; the instance that ran
        // initdb grew to about 630 MB of WebAssembly memory, and none of it may stay (one opened on
        // an initialised directory holds about 200 MB).
        const metrics = await (await fetch(`${first.url}/metrics`, { headers: { Authorization: `Bearer ${key}` } })).text();
        const external = Number(/^nodejs_external_memory_bytes (\d+)/m.exec(metrics)?.[1]);
        expect(external).toBeGreaterThan(100e6);
        expect(external).toBeLessThan(400e6);
      }
    } finally {
      await stop(first);
    }

    const second = await startBuiltServer(env);
    try {
      expect(second.output()).not.toContain(key);
      const models = await fetch(`${second.url}/api/models`, { headers: { Authorization: `Bearer ${key}` } });
      const list = (await models.json()) as { items: Array<{ name: string; latestVersion: number }> };
      // The demo is registered once: a restart neither duplicates nor re-uploads it.
      expect(list.items).toEqual([expect.objectContaining({ name: 'iris', latestVersion: 1 })]);
      if (!database) expect(existsSync(join(dataDir, 'pgdata'))).toBe(true);
    } finally {
      await stop(second);
    }
  });

  it('refuses to start on a bad setting, naming the variable', async () => {
    const result = await runBuiltServerToExit({ ...env, PORT: 'eighty', MODELGATE_DEMO: 'perhaps' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('PORT must be a whole number from 0 to 65535, got "eighty"');
    expect(result.output).toContain('MODELGATE_DEMO must be true or false, got "perhaps"');
    expect(result.output).not.toContain('    at ');
  });
});

describe('signals', () => {
  /** The signals that report a fault, or ask for a core dump or a debugger: the operating system's to act on. */
  const FAULTS: NodeJS.Signals[] = ['SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGABRT', 'SIGTRAP', 'SIGQUIT'];
  const counts = (signals: readonly NodeJS.Signals[]) => signals.map((signal) => process.listenerCount(signal));

  it('listens for SIGTERM, SIGINT, SIGHUP and SIGUSR2 to shut down, and for no fault signal', async () => {
    // A JavaScript listener on SIGSEGV turns a crash in native model code into a process that
    // faults again after every listener call (on the main thread: until SIGKILL) instead of
    // exiting to be restarted.
    const faultsBefore = counts(FAULTS);
    const shutdownBefore = counts(SHUTDOWN_SIGNALS);
    const server = await startServer();
    try {
      expect(counts(FAULTS)).toEqual(faultsBefore);
      expect(counts(SHUTDOWN_SIGNALS)).toEqual(shutdownBefore.map((count) => count + 1));
    } finally {
      await server.close();
    }
    expect(counts(SHUTDOWN_SIGNALS)).toEqual(shutdownBefore);
  });
});
