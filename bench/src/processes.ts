/**
 * Every server the bench measures is a child process, never the load generator's own process.
 * They are all tracked here and always ended: at the end of their target, when the bench fails,
 * on Ctrl-C, and (through exit-with-parent.js, preloaded into each) when the bench itself is killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

const running = new Set<ChildProcess>();
const temporaryDirs = new Set<string>();
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** The last few thousand characters of stdout and stderr, for error messages. */
  output(): string;
  /** Resolves with the first stdout line that matches. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Resolves with the exit code (or signal) once the child has exited. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export interface StartOptions {
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Starts `node <args>` with the parent watchdog preloaded. */
export function startNode(name: string, options: StartOptions): Child {
  const watchdog = join(__dirname, 'servers', 'exit-with-parent.js');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...options.env, BENCH_PARENT_PID: String(process.pid) })) {
    if (value !== undefined) env[key] = value;
  }
  const child = spawn(process.execPath, ['--require', watchdog, ...options.args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name} could not be started`);
  running.add(child);
  let tail = '';
  let pendingLine = '';
  const lineWaiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  const remember = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    remember(chunk);
    const lines = (pendingLine + chunk.toString('utf8')).split('\n');
    pendingLine = lines.pop() ?? '';
    for (const line of lines) {
      for (const waiter of lineWaiters) {
        if (waiter.pattern.test(line)) {
          lineWaiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr?.on('data', remember);
  child.on('error', (error) => remember(Buffer.from(`\n${name}: ${error.message}\n`)));
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
  });

  return {
    name,
    process: child,
    pid: child.pid,
    output: () => tail,
    exited,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const waiter = { pattern, resolve: (line: string) => finish(() => resolve(line)) };
        const timer = setTimeout(() => finish(() => reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${tail}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          lineWaiters.delete(waiter);
          settle();
        };
        lineWaiters.add(waiter);
        exited.then(
          (how) => finish(() => reject(new Error(`${name} exited (${how}) before it was ready:\n${tail}`))),
          () => undefined,
        );
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A scratch folder to delete when the bench ends, however it ends. */
export function removeAtExit(dir: string): void {
  temporaryDirs.add(dir);
}

/** Kills whatever is still running, at once, and deletes the scratch folders: used on errors, signals and exit. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
  temporaryDirs.clear();
}

/** Makes sure no child outlives the bench, whatever ends it. */
export function installCleanup(): void {
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping the servers\n`);
      killAll();
      process.exit(130);
    });
  }
}

/** A port that was free a moment ago on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process in bytes (Linux /proc), or undefined where it cannot be read. */
export async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
