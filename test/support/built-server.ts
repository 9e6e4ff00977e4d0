import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

/** The server as `npm start` runs it: the built entry point, in a process of its own. */
export const BUILT_MAIN = join(__dirname, '..', '..', 'apps', 'api', 'dist', 'main.js');

/** Test servers run no gRPC server (its default port, 8081, would be shared by every test) unless `env` asks for one. */
const NO_GRPC = { MODELGATE_GRPC_PORT: 'off' };

export interface BuiltServer {
  child: ChildProcessWithoutNullStreams;
  /** Everything the process printed so far, stdout and stderr together. */
  output: () => string;
  url: string;
  /**
   * Settles once the process has exited and its stdout and stderr are closed, so that output()
   * holds all it printed: 'exit' can come before the pipes are read to their end, and the lines a
   * server writes last on its way out come last.
   */
  closed: Promise<void>;
}

/** Starts the built server with `env` and waits for its "serving" line. */
export function startBuiltServer(env: Record<string, string>): Promise<BuiltServer> {
  const child = spawn(process.execPath, [BUILT_MAIN], { env: { ...process.env, ...NO_GRPC, ...env }, stdio: 'pipe' });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "serving" line within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Modelgate is serving on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, output: () => output, url: match[1]!, closed });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
}

/** Stops it as an operator would (SIGTERM) and waits until it has exited and all it printed is read. */
export async function stopBuiltServer(server: BuiltServer): Promise<void> {
  server.child.removeAllListeners('exit');
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
  await server.closed;
}

/** Runs the built server until it exits by itself (e.g. refusing a bad setting). */
export function runBuiltServerToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BUILT_MAIN], { env: { ...process.env, ...NO_GRPC, ...env }, stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': the refusal it prints last may still be in the pipe when 'exit' comes.
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}
