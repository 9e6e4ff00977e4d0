/**
 * Reading a plain TCP socket through one buffer that every such socket shares: node's `onread`
 * option of net.Socket (`{ buffer, callback }`), which the sockets a server accepts cannot be given
 * (net.createServer has no such option), so set on an accepted socket as net.Socket's constructor
 * and initSocketHandle set it. The socket's handle then reads into the shared buffer (StreamBase's
 * useUserBuffer), and node's onStreamRead calls the socket's callback with the length read.
 *
 * node's own reads allocate 64 KiB for every read, wrap what was read in an ArrayBuffer of its own
 * (registered with V8, swept and freed by its collector) and push it through the socket's Readable
 * to its 'data' listeners. Here each read is copied at once into a buffer of its own length (a slice
 * of node's shared pool where it is small, as a prediction's request is), and given to the
 * connection directly: 1.04-1.17 times the MLP's requests a second at c=64 (docs/performance.md).
 *
 * The copy is what makes sharing safe: a read's bytes are in the shared buffer only until the
 * callback returns, and libuv reads the next (of any socket) into it after that.
 */
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { nodeSymbol } from './node-internals';

/** The largest read: what node allocates for each read of a stream (64 KiB, libuv's suggested size). */
const READ_BYTES = 64 * 1024;
const SHARED = Buffer.allocUnsafeSlow(READ_BYTES);

type ReadCallback = (length: number, buffer: Buffer) => boolean | void;

/** net.Socket's keys for its onread option (lib/net.js: kBuffer, kBufferCb), from a socket made with one. */
const probe = new Socket({ onread: { buffer: Buffer.alloc(1), callback: () => undefined } } as ConstructorParameters<typeof Socket>[0]);
const K_BUFFER = nodeSymbol(probe, 'kBuffer');
const K_BUFFER_CB = nodeSymbol(probe, 'kBufferCb');

interface StreamHandle {
  useUserBuffer?: (buffer: Uint8Array) => void;
}

/** `length` bytes of `buffer`, copied into a buffer of their own. */
function copyOut(buffer: Buffer, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  buffer.copy(bytes, 0, 0, length);
  return bytes;
}

/**
 * Reads `socket` through the shared buffer from now on, each read's bytes given to `onBytes` as a
 * buffer of their own (after any the socket's stream holds already), and starts reading (as a
 * 'data' listener would). False, with nothing changed,
 * for a socket this cannot read so: a TLS socket (its reads are its decrypted stream's), one without
 * a handle (closed), or a Node.js without these internals; read it with a 'data' listener instead.
 *
 * Pausing and resuming the socket stop and start its handle's reads directly (net.Socket's pause and
 * resume do so for such a socket). The end of the input is still the socket's 'end' event, and an
 * error its 'error'.
 */
export function readThroughSharedBuffer(socket: Socket, onBytes: (bytes: Buffer) => void): boolean {
  const handle = (socket as unknown as { _handle: StreamHandle | null })._handle;
  if (K_BUFFER === undefined || K_BUFFER_CB === undefined || socket instanceof TLSSocket || typeof handle?.useUserBuffer !== 'function') return false;
  const fields = socket as unknown as Record<symbol, unknown>;
  if (fields[K_BUFFER]) return false;
  const callback: ReadCallback = (length, buffer) => onBytes(copyOut(buffer, length));
  handle.useUserBuffer(SHARED);
  fields[K_BUFFER] = SHARED;
  fields[K_BUFFER_CB] = callback;
  // What node read before (a socket switched after its first reads) comes first, as it came.
  for (let buffered: Buffer | null = socket.read(); buffered !== null; buffered = socket.read()) onBytes(buffered);
  socket.resume();
  return true;
}

/**
 * Gives a socket read by readThroughSharedBuffer back to its Readable, for whoever reads it next:
 * its reads are pushed to the socket's 'data' listeners, as node's own are, and a push past the
 * socket's high-water mark stops its reads until they are wanted again (as node's own do).
 *
 * The handle keeps reading into the shared buffer (nothing in node undoes useUserBuffer). A
 * connection handed to node:http is read by its parser, which takes the handle's reads from C++;
 * they come back here only where node:http gives them back to the socket (an upgrade, a 'data'
 * listener added to the socket), and then reach the socket's listeners as they would have.
 */
export function readThroughStream(socket: Socket): void {
  if (K_BUFFER === undefined || K_BUFFER_CB === undefined) return;
  const fields = socket as unknown as Record<symbol, unknown>;
  if (!fields[K_BUFFER]) return;
  const callback: ReadCallback = (length, buffer) => socket.push(copyOut(buffer, length));
  fields[K_BUFFER_CB] = callback;
}
