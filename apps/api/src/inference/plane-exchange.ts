import type { IncomingHttpHeaders } from 'node:http';
import { ScratchBlocks } from './scratch-blocks';

export interface RequestBody {
  bytes: Buffer;
  /** `bytes` views a block of the plane's ScratchBlocks, to be given back. */
  pooled: boolean;
}

/**
 * One prediction request as the plane serves it, whichever reads it: node:http (NodeExchange) or a
 * connection the plane reads itself (http1-connections.ts).
 */
export interface PlaneExchange {
  /** The request target, as sent. */
  readonly url: string;
  /** Names in lower case, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The whole body of `length` bytes (its Content-Length); rejects when the client goes away before its end. */
  readBody(length: number, blocks: ScratchBlocks): Promise<RequestBody>;
  /** Gives the request, its body unread, to the framework, which answers it. */
  handOver(): void;
  /**
   * Writes the answer: the status, `headers` (name, value, name, value..., Content-Length among
   * them) and `payload`. `written` runs once, when the answer is handed to the socket or its write
   * failed; not at all when nothing is written (the client already gone). Throws, as node:http's
   * writeHead does, for a header value that would break the head.
   */
  send(status: number, headers: string[], payload: string | Buffer, written: () => void): void;
  /** No one is left to answer (the client went away): the connection is closed. */
  drop(): void;
}

/**
 * A body of `length` bytes put together from its chunks: a body in one chunk is that chunk; one in
 * several is joined in a block from `blocks` when they cover its size, else in a buffer of its own.
 */
export class BodyJoiner {
  private first: Buffer | undefined;
  private joined: Buffer | undefined;
  private pooled = false;
  private received = 0;

  constructor(
    private readonly length: number,
    private readonly blocks: ScratchBlocks,
  ) {}

  /** Bytes still to come. */
  get missing(): number {
    return this.length - this.received;
  }

  /** Adds `chunk`, which the caller keeps within `missing`. */
  add(chunk: Buffer): void {
    if (this.first === undefined) this.first = chunk;
    else {
      if (this.joined === undefined) {
        this.pooled = ScratchBlocks.covers(this.length);
        this.joined = this.pooled ? Buffer.from(this.blocks.take(this.length), 0, this.length) : Buffer.allocUnsafe(this.length);
        this.first.copy(this.joined, 0);
      }
      chunk.copy(this.joined, this.received);
    }
    this.received += chunk.length;
  }

  /** The body, once `missing` is 0. */
  body(): RequestBody {
    return this.joined !== undefined ? { bytes: this.joined, pooled: this.pooled } : { bytes: this.first!, pooled: false };
  }

  /** Gives back the block of a body that will not be read. */
  discard(): void {
    if (this.pooled) this.blocks.give(this.joined!.buffer as ArrayBuffer);
    this.pooled = false;
  }
}
