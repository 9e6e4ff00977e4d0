import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { Random } from './random';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was sent, for the failure message. */
  label: string;
}

export interface FuzzAnswer {
  status: number;
  body: string;
  /** The connection failed instead of answering (e.g. the request was too malformed to frame). */
  transportError?: string;
  requestId?: string;
}

/** Sends a request as given: any method, headers as written, the body as bytes. */
export function send(base: URL, request: FuzzRequest, timeoutMs = 15_000): Promise<FuzzAnswer> {
  // Node frames a GET or DELETE body neither by length nor in chunks unless told: the server would
  // read the body as the next request, and its answer would be taken for this one's.
  const headers = { ...request.headers };
  if (request.body !== undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = String(request.body.length);
  return new Promise((resolve) => {
    let outgoing;
    try {
      outgoing = httpRequest(
        { host: base.hostname, port: base.port, method: request.method, path: request.path, headers, timeout: timeoutMs, agent: false },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          const requestId = typeof response.headers['x-request-id'] === 'string' ? response.headers['x-request-id'] : undefined;
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8', 0, 2000), requestId }));
          response.on('error', (error) => resolve({ status: response.statusCode ?? 0, body: '', transportError: error.message }));
        },
      );
    } catch (error) {
      // Node refuses to send it (e.g. an invalid header character): nothing reached the server.
      resolve({ status: 0, body: '', transportError: `not sent: ${(error as Error).message}` });
      return;
    }
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', (error) => resolve({ status: 0, body: '', transportError: error.message }));
    outgoing.end(request.body);
  });
}

/** Bytes straight onto a socket, for what no HTTP client would send; the answer's status line is read. */
export function sendRaw(base: URL, bytes: Buffer, timeoutMs = 5000): Promise<FuzzAnswer> {
  return new Promise((resolve) => {
    const socket = connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    const finish = (transportError?: string) => {
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : 0, body: text.slice(0, 500), transportError: match ? undefined : (transportError ?? 'closed without an answer') });
    };
    socket.setTimeout(timeoutMs, () => finish('timed out'));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (/\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) finish();
    });
    socket.on('error', (error) => finish(error.message));
    socket.on('end', () => finish());
    socket.write(bytes);
  });
}

/** A multipart/form-data body written by hand, so that it can also be malformed on purpose. */
export function multipartBody(random: Random, parts: Array<{ name: string; filename?: string; content: Buffer; contentType?: string }>): { body: Buffer; boundary: string } {
  const boundary = `----fuzz${random.int(1e9)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const headers = `Content-Disposition: ${disposition}\r\n${part.contentType ? `Content-Type: ${part.contentType}\r\n` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\n${headers}\r\n`), part.content, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), boundary };
}
