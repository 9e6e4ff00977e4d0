import { type AddressInfo, connect, createServer, type Server, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { readThroughSharedBuffer, readThroughStream } from './shared-buffer-reads';

/** A loopback server and one client connected to it; `accepted` is the server's side of the connection. */
async function connection(pauseOnConnect = false): Promise<{ server: Server; client: Socket; accepted: Socket }> {
  const server = createServer({ pauseOnConnect });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepting = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  return { server, client, accepted: await accepting };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `chunks` hold `bytes` bytes in all, or rejects after a second. */
async function received(chunks: Buffer[], bytes: number): Promise<void> {
  for (let waited = 0; Buffer.concat(chunks).length < bytes; waited += 10) {
    if (waited > 1000) throw new Error(`${Buffer.concat(chunks).length} of ${bytes} bytes arrived`);
    await pause(10);
  }
}

/** Reads `socket` through the shared buffer (which it must take) into the chunks returned. */
function readInto(socket: Socket): Buffer[] {
  const chunks: Buffer[] = [];
  expect(readThroughSharedBuffer(socket, (bytes) => chunks.push(bytes))).toBe(true);
  return chunks;
}

describe('readThroughSharedBuffer: a plain TCP socket read through one shared buffer', () => {
  const open: Array<{ server: Server; client: Socket; accepted: Socket }> = [];
  afterEach(async () => {
    for (const { server, client, accepted } of open.splice(0)) {
      client.destroy();
      accepted.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function opened(pauseOnConnect = false) {
    const ends = await connection(pauseOnConnect);
    open.push(ends);
    return ends;
  }

  it('gives each read its own copy, in order, kept intact by the reads after it, and nothing to the socket\'s stream', async () => {
    const { client, accepted } = await opened();
    const chunks = readInto(accepted);
    let streamed = 0;
    accepted.on('data', () => streamed++);
    // Reads of the same length apart from each other: without a copy, the first would show the last's bytes.
    const pieces = ['a', 'b', 'c'].map((letter) => Buffer.from(letter.repeat(3000)));
    for (const piece of pieces) {
      client.write(piece);
      await received(chunks, chunks.reduce((sum, chunk) => sum + chunk.length, 0) + piece.length);
    }
    expect(chunks.map((chunk) => chunk.toString())).toEqual(pieces.map((piece) => piece.toString()));
    expect(streamed).toBe(0);
  });

  it("takes a read larger than node's pooled buffers, and ends with the socket's 'end'", async () => {
    const { client, accepted } = await opened();
    const chunks = readInto(accepted);
    const ended = new Promise((resolve) => accepted.once('end', resolve));
    const body = Buffer.alloc(300 * 1024, 7);
    body.write('first', 0);
    body.write('last', body.length - 4);
    client.end(body);
    await ended;
    expect(Buffer.concat(chunks).equals(body)).toBe(true);
  });

  it('starts reading a socket that was not reading yet (accepted paused)', async () => {
    const { client, accepted } = await opened(true);
    const chunks = readInto(accepted);
    client.write('hello');
    await received(chunks, 5);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
  });

  it("gives first what node read into the socket's stream before, then the reads after", async () => {
    const { client, accepted } = await opened();
    client.write('before');
    // Read by node into the stream, which nobody reads yet.
    for (let waited = 0; accepted.readableLength < 6; waited += 10) {
      if (waited > 1000) throw new Error('nothing was read');
      await pause(10);
    }
    const chunks = readInto(accepted);
    client.write('after');
    await received(chunks, 11);
    expect(Buffer.concat(chunks).toString()).toBe('beforeafter');
  });

  it('reads nothing while the socket is paused, and what came meanwhile once it is resumed', async () => {
    const { client, accepted } = await opened();
    const chunks = readInto(accepted);
    client.write('one');
    await received(chunks, 3);
    accepted.pause();
    client.write('two');
    await pause(100);
    expect(Buffer.concat(chunks).toString()).toBe('one');
    accepted.resume();
    await received(chunks, 6);
    expect(Buffer.concat(chunks).toString()).toBe('onetwo');
  });

  it("gives the reads after readThroughStream to the socket's 'data' listeners, as node's own reads", async () => {
    const { client, accepted } = await opened();
    const chunks = readInto(accepted);
    client.write('mine');
    await received(chunks, 4);
    readThroughStream(accepted);
    const streamed: Buffer[] = [];
    accepted.on('data', (chunk: Buffer) => streamed.push(chunk));
    for (const letter of ['x', 'y']) {
      client.write(letter.repeat(2000));
      await received(streamed, streamed.reduce((sum, chunk) => sum + chunk.length, 0) + 2000);
    }
    expect(streamed.map((chunk) => chunk.toString())).toEqual(['x'.repeat(2000), 'y'.repeat(2000)]);
    expect(Buffer.concat(chunks).toString()).toBe('mine');
  });

  it('leaves a TLS socket and a socket without a connection as they are', () => {
    const never = () => {
      throw new Error('not read here');
    };
    const tls = new TLSSocket(new Socket());
    expect(readThroughSharedBuffer(tls, never)).toBe(false);
    expect(readThroughSharedBuffer(new Socket(), never)).toBe(false);
    tls.destroy();
  });
});
