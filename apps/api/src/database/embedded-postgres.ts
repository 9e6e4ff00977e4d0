import { access, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded database for `npm start` without DATABASE_URL: PGlite (Postgres compiled to WASM)
 * persisted under `<dataDir>/pgdata`, served over the Postgres wire protocol on a private loopback
 * port so that the same `pg` driver and migrations serve both modes. PGlite runs one connection's
 * statements at a time, so the app's pool is kept to a single connection in this mode.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly database: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const directory = join(dataDir, 'pgdata');
    await mkdir(directory, { recursive: true });
    const pgliteWasmModule = await compilePglite();
    if (!(await isInitialised(directory))) await initialise(directory, pgliteWasmModule);
    const database = await PGlite.create({ dataDir: directory, pgliteWasmModule });
    const port = await findFreePort();
    const server = new PGLiteSocketServer({ db: database, host: '127.0.0.1', port, maxConnections: 4 });
    try {
      await server.start();
    } catch (error) {
      await database.close();
      throw error;
    }
    return new EmbeddedPostgres(database, server, `postgres://postgres@127.0.0.1:${port}/postgres`);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.database.close();
  }
}

function isInitialised(directory: string): Promise<boolean> {
  return access(join(directory, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

const PGLITE = require.resolve('@electric-sql/pglite');

/** A compiled WebAssembly module (Node's types do not declare WebAssembly). */
type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;
const { compile } = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;

/**
 * PGlite's Postgres, compiled once for the thread that initialises a new directory and the instance
 * that serves it, so that the second does not compile and optimise it again (about 1 s of a first
 * start here). Undefined if the package no longer ships it where 0.5 does: PGlite then loads its own.
 */
async function compilePglite(): Promise<WasmModule | undefined> {
  const bytes = await readFile(join(dirname(PGLITE), 'pglite.wasm')).catch(() => undefined);
  return bytes === undefined ? undefined : compile(bytes);
}

/** Run in a thread of its own by initialise(): PGlite on a new directory runs initdb, then closes. */
const INITDB = `
const { workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
PGlite.create({ dataDir: workerData.directory, pgliteWasmModule: workerData.pgliteWasmModule }).then((database) => database.close());
`;

/**
 * Initialises a new data directory in a worker thread. The PGlite instance that runs initdb keeps
 * the WebAssembly memory it grew to, about 630 MiB, where one opened on an initialised directory
 * holds about 200 (docs/performance-history.md, the ninth session); closed, that memory is garbage that
 * stays until V8 happens to collect it. A thread's memory goes back when the thread ends.
 *
 * The database is written in `<directory>.partial` and renamed into place once complete, so a first
 * start stopped halfway (Ctrl-C during the seconds initdb takes) leaves no half-made database to
 * open next time; the next start removes the leftover and begins again. A directory that already
 * holds files but no database (a first start of an earlier version, stopped halfway) is
 * initialised where it is, as PGlite itself does.
 */
async function initialise(directory: string, pgliteWasmModule: WasmModule | undefined): Promise<void> {
  const partial = `${directory}.partial`;
  await rm(partial, { recursive: true, force: true });
  if ((await readdir(directory)).length > 0) return runInitdb(directory, pgliteWasmModule);
  await mkdir(partial);
  await runInitdb(partial, pgliteWasmModule);
  await rename(partial, directory);
}

function runInitdb(directory: string, pgliteWasmModule: WasmModule | undefined): Promise<void> {
  return new Promise((resolveDone, reject) => {
    const worker = new Worker(INITDB, { eval: true, workerData: { pglite: PGLITE, directory, pgliteWasmModule } });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolveDone() : reject(new Error(`initialising the embedded database in ${directory} stopped with exit code ${code}`))));
  });
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
