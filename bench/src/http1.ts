/**
 * `npm run bench:http1`: what the data plane's own HTTP/1.1 connections
 * (apps/api/src/inference/http1-connections.ts) save against node:http's, in one run. The same
 * build runs twice, with its default (the plane reads prediction connections itself) and with
 * MODELGATE_DATA_PLANE_HTTP=node (node:http reads every connection, as before); the bare node:http
 * server of `npm run bench`, answering Modelgate's own answer bytes, is the ceiling both are held
 * against. The load generator, cells, CPU readings and rounds are `npm run bench`'s.
 *
 *   npm run bench:http1
 *   npm run bench:http1 -- --model=cnn --concurrency=64 --rounds=5 --duration=3
 *   npm run bench:http1 -- --tls     # both over HTTPS (a self-signed certificate, made with openssl); no bare server
 *   npm run bench:http1 -- --get-every=10   # a GET of the model's readiness before every 10 predictions on each connection
 *   npm run bench:http1 -- --compare=/tmp/modelgate-OLD   # and another build's own reader (bench/dist/snapshot.js), in the same rounds
 *
 * Each cell is measured once per round, the three servers taking turns in an order that reverses
 * every round; the table gives the medians, and the ratios are medians of the rounds' ratios.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CpuMeter } from './cpu';
import { sampleInstance } from './instances';
import { errorCount, generateLoad, type LoadResult } from './load';
import { type ModelgateServer, startModelgate } from './modelgate';
import { type ModelKey, MODEL_KEYS, generateModels } from './models';
import { type Child, installCleanup, killAll, removeAtExit, startNode } from './processes';
import { buildRequest, PROTOCOL_LABELS, PROTOCOLS, type PreparedRequest, type Protocol } from './protocols';
import { table } from './report';
import { medianOf as median } from './stats';

const ROOT = resolve(__dirname, '..', '..');
const MODELS_DIR = resolve(ROOT, 'bench', '.models');

interface Options {
  model: ModelKey;
  concurrency: number[];
  rounds: number;
  durationSeconds: number;
  protocols: Protocol[];
  tls: boolean;
  /** A GET of the model's readiness before every N predictions on each connection (load.ts, interleave). */
  getEvery: number | undefined;
  /** Another build of Modelgate (a snapshot's folder), measured with its own reader beside this one. */
  compare: string | undefined;
}

type ServerKey = 'own' | 'base' | 'node' | 'bare';
const LABELS: Record<ServerKey, string> = {
  own: 'Modelgate, its own HTTP/1.1 reader (default)',
  base: 'Modelgate of --compare, its own reader',
  node: 'Modelgate, node:http (MODELGATE_DATA_PLANE_HTTP=node)',
  bare: 'bare node:http, a constant answer',
};

interface Sample extends LoadResult {
  mainThreadCores: number;
  serverCores: number;
}

function parse(argv: readonly string[]): Options {
  const options: Options = { model: 'mlp', concurrency: [1, 64], rounds: 3, durationSeconds: 2, protocols: [...PROTOCOLS], tls: false, getEvery: undefined, compare: undefined };
  for (const argument of argv) {
    if (argument === '--tls') {
      options.tls = true;
      continue;
    }
    const match = /^--([a-z-]+)=(.+)$/.exec(argument);
    const value = match?.[2] ?? '';
    const positive = (text: string) => {
      const parsed = Number(text);
      if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${argument}: ${JSON.stringify(text)} is not a number above 0`);
      return parsed;
    };
    if (match?.[1] === 'model' && (MODEL_KEYS as readonly string[]).includes(value)) options.model = value as ModelKey;
    else if (match?.[1] === 'concurrency') options.concurrency = value.split(',').map((text) => Math.round(positive(text)));
    else if (match?.[1] === 'rounds') options.rounds = Math.round(positive(value));
    else if (match?.[1] === 'duration') options.durationSeconds = positive(value);
    else if (match?.[1] === 'protocols' && value.split(',').every((name) => (PROTOCOLS as readonly string[]).includes(name))) options.protocols = value.split(',') as Protocol[];
    else if (match?.[1] === 'get-every') options.getEvery = Math.round(positive(value));
    else if (match?.[1] === 'compare') options.compare = resolve(value);
    else throw new Error(`unknown argument "${argument}": use --model=mlp|cnn --concurrency=1,64 --rounds=N --duration=SECONDS --protocols=${PROTOCOLS.join(',')} --get-every=N --compare=DIR --tls`);
  }
  return options;
}

/** The bench's bare server (servers/bare-http.ts), answering each path with `answers[path]`. */
async function startBare(answers: Record<string, string>): Promise<{ url: string; child: Child }> {
  const scratch = mkdtempSync(join(tmpdir(), 'modelgate-bench-http1-'));
  removeAtExit(scratch);
  const specFile = join(scratch, 'bare-spec.json');
  await writeFile(specFile, JSON.stringify({ answers }));
  const child = startNode(LABELS.bare, { args: [join(__dirname, 'servers', 'bare-http.js')], env: { BENCH_SERVER_SPEC: specFile, BENCH_PORT: '0' } });
  const line = await child.waitForLine(/^listening \d+/, 30_000);
  return { url: `http://127.0.0.1:${line.split(' ')[1]}`, child };
}

/** A self-signed certificate for 127.0.0.1 in `dir`, made with openssl, as TLS_CERT and TLS_KEY. */
function selfSigned(dir: string): Record<string, string> {
  const cert = join(dir, 'bench.crt');
  const key = join(dir, 'bench.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { TLS_CERT: cert, TLS_KEY: key };
}

async function measure(
  url: string,
  pid: number,
  prepared: PreparedRequest,
  headers: Record<string, string>,
  connections: number,
  seconds: number,
  interleave: { path: string; every: number } | undefined,
): Promise<Sample> {
  const meter = new CpuMeter(pid);
  const result = await generateLoad({
    url: new URL(prepared.path, url).toString(),
    headers: { ...prepared.headers, ...headers },
    body: prepared.body,
    connections,
    warmupSeconds: 0.5,
    durationSeconds: seconds,
    beforeTimedRun: () => meter.begin(),
    interleave,
  });
  const cpu = await meter.end();
  if (errorCount(result) > 0) throw new Error(`${url}${prepared.path}: ${errorCount(result)} errors (${result.firstError ?? JSON.stringify(result.non2xx)})`);
  return { ...result, mainThreadCores: cpu?.serverMainThreadCores ?? NaN, serverCores: cpu?.serverCores ?? NaN };
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  installCleanup();
  const [model] = await generateModels(MODELS_DIR, [options.model]);
  const instance = sampleInstance(model);
  const requests = new Map(options.protocols.map((protocol) => [protocol, buildRequest(protocol, model, instance)]));
  let own: ModelgateServer | undefined;
  let base: ModelgateServer | undefined;
  let node: ModelgateServer | undefined;
  let bare: { url: string; child: Child } | undefined;
  try {
    let tls: Record<string, string> = {};
    if (options.tls) {
      const dir = mkdtempSync(join(tmpdir(), 'modelgate-bench-tls-'));
      removeAtExit(dir);
      tls = selfSigned(dir);
      // This process's own calls (start-up checks, uploads) trust the self-signed certificate; autocannon trusts any.
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    }
    own = await startModelgate(ROOT, tls);
    node = await startModelgate(ROOT, { ...tls, MODELGATE_DATA_PLANE_HTTP: 'node' });
    if (options.compare !== undefined) base = await startModelgate(options.compare, tls);
    for (const server of [own, node, base]) await server?.upload(model);
    // The bare server answers each JSON path with Modelgate's own answer; binary requests go to the v2 JSON path.
    const answers: Record<string, string> = {};
    for (const protocol of options.protocols) {
      if (protocol === 'v2-binary') continue;
      const prepared = requests.get(protocol)!;
      const answer = await fetch(new URL(prepared.path, own.url), { method: 'POST', headers: { ...prepared.headers, ...own.authorization }, body: prepared.body });
      if (answer.status !== 200) throw new Error(`${prepared.path} answered ${answer.status}: ${await answer.text()}`);
      answers[prepared.path] = await answer.text();
    }
    // The bare server speaks plain HTTP: over TLS there is none to hold the two against. It has no
    // readiness to ask for: where predictions are interleaved with GETs, it is left out.
    if (!options.tls && options.getEvery === undefined) bare = await startBare(answers);
    const interleave = options.getEvery === undefined ? undefined : { path: `/v2/models/${model.name}/ready`, every: options.getEvery };
    const servers: Partial<Record<ServerKey, { url: string; pid: number; headers: Record<string, string> }>> = {
      own: { url: own.url, pid: own.child.pid, headers: own.authorization },
      ...(base ? { base: { url: base.url, pid: base.child.pid, headers: base.authorization } } : {}),
      node: { url: node.url, pid: node.child.pid, headers: node.authorization },
      ...(bare ? { bare: { url: bare.url, pid: bare.child.pid, headers: {} } } : {}),
    };
    process.stdout.write(
      `${model.name}${options.tls ? ' over HTTPS' : ''}: ${options.rounds} rounds of 0.5 s warm-up + ${options.durationSeconds} s per cell, the servers taking turns (order reversed every round)` +
        (interleave ? `; each connection sends GET ${interleave.path} before every ${interleave.every} predictions (req/s and latencies count both)` : '') +
        (options.compare ? `; --compare: ${options.compare}` : '') +
        '\n',
    );
    const samples = new Map<string, Sample[]>();
    const order = (['own', 'base', 'node', 'bare'] as const).filter((key) => servers[key] !== undefined);
    for (let round = 0; round < options.rounds; round++) {
      for (const concurrency of options.concurrency) {
        for (const protocol of options.protocols) {
          const keys = round % 2 === 0 ? order : [...order].reverse();
          for (const key of keys) {
            // The bare server reads JSON: binary rows are held against its v2 JSON cell.
            const asked = key === 'bare' && protocol === 'v2-binary' ? 'v2-json' : protocol;
            if (key === 'bare' && !requests.has(asked)) continue;
            const server = servers[key]!;
            const sample = await measure(server.url, server.pid, requests.get(asked)!, server.headers, concurrency, options.durationSeconds, interleave);
            const cell = `${key} ${protocol} ${concurrency}`;
            samples.set(cell, [...(samples.get(cell) ?? []), sample]);
            process.stdout.write(`  round ${round + 1}: ${LABELS[key]}, ${PROTOCOL_LABELS[protocol]}, c=${concurrency}: ${sample.requestsPerSecond.toFixed(0)} req/s, p50 ${sample.p50Ms.toFixed(2)} ms, main thread ${sample.mainThreadCores.toFixed(2)} cores\n`);
          }
        }
      }
    }
    const rows: string[][] = [];
    for (const concurrency of options.concurrency) {
      for (const protocol of options.protocols) {
        const cells = (key: ServerKey) => samples.get(`${key} ${protocol} ${concurrency}`) ?? [];
        const roundRatio = (key: ServerKey, base: ServerKey) => {
          const [mine, theirs] = [cells(key), cells(base)];
          if (mine.length === 0 || theirs.length === 0) return NaN;
          return median(mine.map((sample, round) => sample.requestsPerSecond / theirs[round].requestsPerSecond));
        };
        for (const key of order) {
          const cell = cells(key);
          if (cell.length === 0) continue;
          const rps = median(cell.map((sample) => sample.requestsPerSecond));
          const usPerRequest = median(cell.map((sample) => (sample.mainThreadCores / sample.requestsPerSecond) * 1e6));
          rows.push([
            key === 'bare' && protocol === 'v2-binary' ? `${LABELS[key]} (v2 JSON)` : LABELS[key],
            PROTOCOL_LABELS[protocol],
            String(concurrency),
            rps.toFixed(0),
            median(cell.map((sample) => sample.p50Ms)).toFixed(3),
            median(cell.map((sample) => sample.p99Ms)).toFixed(2),
            median(cell.map((sample) => sample.mainThreadCores)).toFixed(2),
            usPerRequest.toFixed(1),
            key === 'own' || key === 'base' ? `${roundRatio(key, 'node').toFixed(2)}x` : '-',
            key === 'own' && servers.base !== undefined ? `${roundRatio('own', 'base').toFixed(2)}x` : '-',
            key === 'bare' || servers.bare === undefined ? '-' : `${(roundRatio(key, 'bare') * 100).toFixed(0)}%`,
          ]);
        }
      }
    }
    const header = ['server', 'protocol', 'c', 'req/s', 'p50 ms', 'p99 ms', 'main thr', 'main us/req', 'reader / node', 'own / base', 'of bare'];
    process.stdout.write(`${table(header, rows).join('\n')}\n`);
  } finally {
    await own?.stop();
    await base?.stop();
    await node?.stop();
    await bare?.child.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAll();
    process.exit(1);
  },
);
