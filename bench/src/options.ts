/** Bench settings: flags (`npm run bench -- --quick`) over environment variables over defaults. */
import { MODEL_KEYS, type ModelKey } from './models';

export type TargetKind = 'raw' | 'bare' | 'naive' | 'batching' | 'modelgate';
export const TARGET_KINDS: readonly TargetKind[] = ['raw', 'bare', 'naive', 'batching', 'modelgate'];
/** What a run measures unless --targets says otherwise: (e), the hand-written batching server, is opt-in. */
export const DEFAULT_TARGETS: readonly TargetKind[] = ['raw', 'bare', 'naive', 'modelgate'];

export interface BenchOptions {
  quick: boolean;
  /** Per round of a cell. */
  warmupSeconds: number;
  durationSeconds: number;
  /**
   * Rounds per cell: each cell is measured this many times, the servers of a cell taking turns
   * round by round, and the cell keeps the medians (load.ts, medianOfRounds).
   */
  rounds: number;
  /**
   * Load driven through a server, thrown away, before its first timed cell for a model: the first
   * seconds of a freshly started server measure its JIT warming up, not its steady state.
   */
  settleSeconds: number;
  /** Measuring time of the raw runtime per batch size and attempt. */
  rawSeconds: number;
  /** Runs of the raw runtime per batch size; the fastest undisturbed one is the ceiling. */
  rawAttempts: number;
  rawBatchSizes: number[];
  concurrencies: number[];
  models: ModelKey[];
  targets: TargetKind[];
  /** Version config (JSON) sent with each Modelgate upload, e.g. {"instances":2}. */
  modelgateConfig: string | undefined;
  /** The checkout whose built apps/api/dist/main.js is measured; undefined: this repository. */
  modelgateDir: string | undefined;
  /** Measurements disturbed by other processes (BUSY) are taken again up to this many times. */
  busyRetries: number;
  /** Printed with the results and kept in the JSON, e.g. what build was measured. */
  note: string | undefined;
  /** Exit with status 1 when an issue-3 target fails. */
  strict: boolean;
}

const FULL = { warmupSeconds: 0.5, durationSeconds: 2, rounds: 3, settleSeconds: 6, rawSeconds: 1, rawAttempts: 2, busyRetries: 2 };
const QUICK = { warmupSeconds: 0.2, durationSeconds: 0.8, rounds: 1, settleSeconds: 1, rawSeconds: 0.25, rawAttempts: 1, busyRetries: 0 };

const OPTION_HELP: [flag: string, meaning: string, variable: string][] = [
  ['--quick', `short cells (${QUICK.warmupSeconds} s warm-up + ${QUICK.durationSeconds} s): under a minute`, 'BENCH_QUICK=1'],
  ['--duration=SECONDS', `measured time per cell and round (default ${FULL.durationSeconds})`, 'BENCH_DURATION'],
  ['--warmup=SECONDS', `warm-up per cell and round, thrown away (default ${FULL.warmupSeconds})`, 'BENCH_WARMUP'],
  ['--rounds=N', `rounds per cell, servers taking turns; the medians are kept (default ${FULL.rounds}, quick ${QUICK.rounds})`, 'BENCH_ROUNDS'],
  ['--settle=SECONDS', `load per server and model before its first cell, thrown away (default ${FULL.settleSeconds}, quick ${QUICK.settleSeconds})`, 'BENCH_SETTLE'],
  ['--raw-duration=SECONDS', `raw runtime time per batch size and attempt (default ${FULL.rawSeconds} x ${FULL.rawAttempts})`, 'BENCH_RAW_DURATION'],
  ['--concurrency=1,16,64', 'requests in flight', 'BENCH_CONCURRENCY'],
  ['--models=mlp,cnn', 'which models', 'BENCH_MODELS'],
  ['--targets=raw,bare,naive,modelgate', 'which targets; add batching for (e), a hand-written batching server', 'BENCH_TARGETS'],
  ['--modelgate-config=JSON', `version config sent with each upload, e.g. '{"instances":2}'`, 'BENCH_MODELGATE_CONFIG'],
  ['--modelgate-dir=PATH', 'measure the built Modelgate of another checkout', 'BENCH_MODELGATE_DIR'],
  ['--busy-retries=N', `measure a disturbed cell again, keep the least disturbed (default ${FULL.busyRetries}, quick ${QUICK.busyRetries})`, 'BENCH_BUSY_RETRIES'],
  ['--note=TEXT', 'a line printed with the results and kept in the JSON', 'BENCH_NOTE'],
  ['--strict', 'exit 1 when a target of issue 3 fails', 'BENCH_STRICT=1'],
];

export const USAGE = `npm run bench [-- options]\n\n${OPTION_HELP.map(
  ([flag, meaning, variable]) => `  ${flag.padEnd(36)} ${meaning.padEnd(80)} ${variable}`,
).join('\n')}\n`;

/** A bad flag or variable: reported with the usage, without a stack trace. */
export class UsageError extends Error {}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = new Map<string, string>();
  for (const argument of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argument);
    if (!match) throw new UsageError(`unknown argument "${argument}"`);
    flags.set(match[1], match[2] ?? 'true');
  }
  const known = ['quick', 'duration', 'warmup', 'rounds', 'settle', 'raw-duration', 'concurrency', 'models', 'targets', 'modelgate-config', 'modelgate-dir', 'busy-retries', 'note', 'strict', 'help'];
  for (const name of flags.keys()) if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
  if (flags.has('help')) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const setting = (flag: string, variable: string): string | undefined => flags.get(flag) ?? (env[variable]?.trim() || undefined);

  const quick = isTrue(setting('quick', 'BENCH_QUICK'));
  const defaults = quick ? QUICK : FULL;
  const modelgateConfig = setting('modelgate-config', 'BENCH_MODELGATE_CONFIG');
  if (modelgateConfig !== undefined) {
    try {
      JSON.parse(modelgateConfig);
    } catch {
      throw new UsageError(`--modelgate-config must be JSON, got ${modelgateConfig}`);
    }
  }
  return {
    quick,
    warmupSeconds: seconds(setting('warmup', 'BENCH_WARMUP'), defaults.warmupSeconds, 'warmup', 0),
    durationSeconds: seconds(setting('duration', 'BENCH_DURATION'), defaults.durationSeconds, 'duration', 0.1),
    rounds: wholeNumber(setting('rounds', 'BENCH_ROUNDS'), defaults.rounds, 'rounds', 20, 1),
    settleSeconds: seconds(setting('settle', 'BENCH_SETTLE'), defaults.settleSeconds, 'settle', 0),
    rawSeconds: seconds(setting('raw-duration', 'BENCH_RAW_DURATION'), defaults.rawSeconds, 'raw-duration', 0.05),
    rawAttempts: defaults.rawAttempts,
    rawBatchSizes: [1, 8, 32, 64, 128],
    concurrencies: list(setting('concurrency', 'BENCH_CONCURRENCY'), ['1', '16', '64'], 'concurrency').map((value) => {
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 1 || parsed > 4096) throw new UsageError(`--concurrency takes whole numbers from 1 to 4096, got ${value}`);
      return parsed;
    }),
    models: oneOf(list(setting('models', 'BENCH_MODELS'), MODEL_KEYS, 'models'), MODEL_KEYS, 'models'),
    targets: oneOf(list(setting('targets', 'BENCH_TARGETS'), DEFAULT_TARGETS, 'targets'), TARGET_KINDS, 'targets'),
    modelgateConfig,
    modelgateDir: setting('modelgate-dir', 'BENCH_MODELGATE_DIR'),
    busyRetries: wholeNumber(setting('busy-retries', 'BENCH_BUSY_RETRIES'), defaults.busyRetries, 'busy-retries', 10),
    note: setting('note', 'BENCH_NOTE'),
    strict: isTrue(setting('strict', 'BENCH_STRICT')),
  };
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

function seconds(value: string | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > 3600) throw new UsageError(`--${name} takes seconds from ${min} to 3600, got ${value}`);
  return parsed;
}

function wholeNumber(value: string | undefined, fallback: number, name: string, max: number, min = 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, got ${value}`);
  return parsed;
}

function list(value: string | undefined, fallback: readonly string[], name: string): string[] {
  const items = value === undefined ? [...fallback] : value.split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`--${name} needs at least one value`);
  return [...new Set(items)];
}

function oneOf<T extends string>(values: string[], allowed: readonly T[], name: string): T[] {
  for (const value of values) {
    if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} takes ${allowed.join(', ')}; got ${value}`);
  }
  return allowed.filter((item) => values.includes(item));
}
