/**
 * `npm run bench:paced`: what Modelgate costs, and how fast it answers, when its one client sends
 * requests at a steady rate well below what it could take (how most models are called in
 * production) and back to back (concurrency 1). The HTTP bench (`npm run bench`) keeps its load
 * generator's connections busy, so it cannot see the CPU a server spends between requests: a model
 * worker's idle spin, for one, polls up to 1 ms after each answer for the next request.
 *
 *   npm run bench:paced                                   # this checkout, and with idle spin off
 *   npm run bench:paced -- --compare=/tmp/modelgate-OLD   # and another build (bench/dist/snapshot.js)
 *   npm run bench:paced -- --rates=100,1000,0 --duration=4 --rounds=3 --model=mlp
 *
 * The servers: this checkout's build with its defaults; the same build with
 * MODELGATE_IDLE_SPIN_MS=0, the baseline that spends no CPU between requests; and each --compare
 * build. The client is one keep-alive connection in this process, sending a request every
 * 1000/rate ms (or as soon as the previous answer is in, when that is later), rate 0 meaning back to
 * back. Each cell is measured once per round, the servers taking turns in an order that reverses
 * every round; the table gives the medians, and the ratios against the spin-off server.
 */
import { type IncomingMessage, Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { CpuMeter } from './cpu';
import { sampleInstance } from './instances';
import { medianOf as median, percentile } from './stats';
import { type ModelgateServer, startModelgate } from './modelgate';
import { type ModelKey, MODEL_KEYS, generateModels } from './models';
import { installCleanup, killAll } from './processes';
import { buildRequest, type PreparedRequest } from './protocols';
import { table } from './report';

const ROOT = resolve(__dirname, '..', '..');
const MODELS_DIR = resolve(ROOT, 'bench', '.models');

interface PacedOptions {
  rates: number[];
  durationSeconds: number;
  rounds: number;
  model: ModelKey;
  compare: string[];
}

interface Target {
  label: string;
  checkout: string;
  settings: Record<string, string>;
}

interface Sample {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCores: number;
  /** Server CPU (all its threads) per request, in microseconds. */
  cpuUsPerRequest: number;
}

const SPIN_OFF = 'this checkout, idle spin off';

function parse(argv: readonly string[]): PacedOptions {
  const options: PacedOptions = { rates: [100, 300, 600, 1000, 0], durationSeconds: 4, rounds: 2, model: 'mlp', compare: [] };
  for (const argument of argv) {
    const match = /^--([a-z]+)=(.+)$/.exec(argument);
    const value = match?.[2] ?? '';
    const number = (text: string) => {
      const parsed = Number(text);
      if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${argument}: ${JSON.stringify(text)} is not a number of 0 or more`);
      return parsed;
    };
    if (match?.[1] === 'rates') options.rates = value.split(',').map(number);
    else if (match?.[1] === 'duration') options.durationSeconds = number(value);
    else if (match?.[1] === 'rounds') options.rounds = Math.max(1, Math.round(number(value)));
    else if (match?.[1] === 'model' && (MODEL_KEYS as readonly string[]).includes(value)) options.model = value as ModelKey;
    else if (match?.[1] === 'compare') options.compare.push(resolve(value));
    else throw new Error(`unknown argument "${argument}": use --rates=100,300,0 --duration=SECONDS --rounds=N --model=mlp|cnn --compare=DIR`);
  }
  return options;
}

/** One request on the client's one connection; resolves with its latency in ms once the answer is read. */
function send(agent: Agent, url: URL, prepared: PreparedRequest, headers: Record<string, string>): Promise<number> {
  return new Promise((resolveLatency, reject) => {
    const started = performance.now();
    const outgoing = request(url, { method: 'POST', agent, headers: { ...prepared.headers, ...headers, 'content-length': String(prepared.body.length) } }, (answer: IncomingMessage) => {
      answer.resume();
      answer.on('end', () => (answer.statusCode === 200 ? resolveLatency(performance.now() - started) : reject(new Error(`answered ${answer.statusCode}`))));
    });
    outgoing.on('error', reject);
    outgoing.end(prepared.body);
  });
}

async function measure(server: ModelgateServer, prepared: PreparedRequest, rate: number, seconds: number): Promise<Sample> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(prepared.path, server.url);
  try {
    // A second of the same load first: the connection, and the server's code for this pace.
    await run(agent, url, server, prepared, rate, 1);
    const meter = new CpuMeter(server.child.pid);
    await meter.begin();
    const started = performance.now();
    const latencies = await run(agent, url, server, prepared, rate, seconds);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = await meter.end();
    latencies.sort((a, b) => a - b);
    const serverCores = cpu?.serverCores ?? NaN;
    return {
      requestsPerSecond: latencies.length / elapsed,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      serverCores,
      cpuUsPerRequest: (serverCores * elapsed * 1e6) / latencies.length,
    };
  } finally {
    agent.destroy();
  }
}

async function run(agent: Agent, url: URL, server: ModelgateServer, prepared: PreparedRequest, rate: number, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const started = performance.now();
  let next = started;
  while (performance.now() - started < seconds * 1000) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolveWait) => setTimeout(resolveWait, wait));
    latencies.push(await send(agent, url, prepared, server.authorization));
    next = rate > 0 ? Math.max(next + 1000 / rate, performance.now() - 1000 / rate) : performance.now();
  }
  return latencies;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  installCleanup();
  const targets: Target[] = [
    { label: 'this checkout', checkout: ROOT, settings: {} },
    { label: SPIN_OFF, checkout: ROOT, settings: { MODELGATE_IDLE_SPIN_MS: '0' } },
    ...options.compare.map((dir) => ({ label: dir, checkout: dir, settings: {} })),
  ];
  const [model] = await generateModels(MODELS_DIR, [options.model]);
  const prepared = buildRequest('v2-json', model, sampleInstance(model));
  const servers: ModelgateServer[] = [];
  try {
    for (const target of targets) {
      const server = await startModelgate(target.checkout, target.settings);
      servers.push(server);
      await server.upload(model);
    }
    process.stdout.write(`${model.name} over v2 JSON, one client, ${options.durationSeconds} s a cell after 1 s of the same load, ${options.rounds} rounds\n`);
    const samples = new Map<string, Sample[]>();
    for (let round = 0; round < options.rounds; round++) {
      for (const rate of options.rates) {
        const order = targets.map((_, index) => index);
        if (round % 2 === 1) order.reverse();
        for (const index of order) {
          const sample = await measure(servers[index], prepared, rate, options.durationSeconds);
          const key = `${index} ${rate}`;
          samples.set(key, [...(samples.get(key) ?? []), sample]);
        }
      }
    }
    const rows: string[][] = [];
    for (const rate of options.rates) {
      const off = samples.get(`1 ${rate}`) ?? [];
      const offCpu = median(off.map((sample) => sample.cpuUsPerRequest));
      const offP50 = median(off.map((sample) => sample.p50Ms));
      for (const [index, target] of targets.entries()) {
        const cell = samples.get(`${index} ${rate}`) ?? [];
        const cpu = median(cell.map((sample) => sample.cpuUsPerRequest));
        const p50 = median(cell.map((sample) => sample.p50Ms));
        rows.push([
          target.label,
          rate === 0 ? 'back to back' : `${rate}/s`,
          median(cell.map((sample) => sample.requestsPerSecond)).toFixed(0),
          p50.toFixed(3),
          median(cell.map((sample) => sample.p99Ms)).toFixed(3),
          `${median(cell.map((sample) => sample.serverCores)).toFixed(2)} cores`,
          cpu.toFixed(0),
          target.label === SPIN_OFF ? '-' : `${(cpu / offCpu).toFixed(2)}x`,
          target.label === SPIN_OFF ? '-' : `${p50 - offP50 >= 0 ? '+' : ''}${(p50 - offP50).toFixed(3)} ms`,
        ]);
      }
    }
    const header = ['server', 'rate', 'req/s', 'p50 ms', 'p99 ms', 'srv CPU', 'us/request', 'CPU vs spin off', 'p50 vs spin off'];
    process.stdout.write(`${table(header, rows).join('\n')}\n`);
  } finally {
    for (const server of servers) await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    killAll();
    process.exit(1);
  },
);
