/** The little the two hand-written baseline servers share: reading a body, answering JSON, listening. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** Reads the JSON file named by BENCH_SERVER_SPEC. */
export function readSpec<T>(): T {
  const path = process.env['BENCH_SERVER_SPEC'];
  if (!path) throw new Error('BENCH_SERVER_SPEC must name the server spec file');
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Listens on loopback (BENCH_PORT, 0 for any) and prints the port for the bench to read. */
export function listen(server: Server): void {
  server.listen(Number(process.env['BENCH_PORT'] ?? 0), '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
}
