import { IncomingMessage, type IncomingHttpHeaders, type Server, ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { ActivityGauge } from '@modelgate/runtime';
import type { ScratchBlocks } from './scratch-blocks';
import { BodyJoiner, type PlaneExchange, type RequestBody } from './plane-exchange';
import { nodeSymbol } from './node-internals';
import { readThroughSharedBuffer, readThroughStream } from './shared-buffer-reads';

export interface Http1ConnectionStats {
  /** Connections read here now. */
  open: number;
  /** Connections accepted while the plane was serving. */
  accepted: number;
  /** Requests the plane took on them (answered, or handed over by the plane). */
  requests: number;
  /** GET and HEAD requests on them given to the framework, the connection staying here (FrameworkRequest). */
  framework: number;
  /** Connections handed to node:http, at their start or later. */
  handedOver: number;
}

/** What the connections hand their requests to: the data plane (InferenceDataPlane.takeExchange). */
export interface ExchangeTaker {
  takeExchange(exchange: PlaneExchange): boolean;
}

/** Node's default limit on a request head (--max-http-header-size); a longer head is node:http's to refuse. */
const MAX_HEAD_BYTES = 16 * 1024;
/** More header lines than a prediction sends; a head with more goes to node:http. */
const MAX_HEADER_LINES = 64;
/** Bytes a connection buffers past the request it is answering (pipelining) before it stops reading. */
const MAX_PENDING_BYTES = 256 * 1024;

const CRLF = '\r\n';
const HEAD_END = Buffer.from('\r\n\r\n');
/**
 * The request line the connections read: a POST (a prediction, for the plane), a GET or a HEAD (for
 * the framework, the connection staying here) in HTTP/1.1 to an origin-form target of visible ASCII.
 */
const REQUEST_LINE = /^(POST|GET|HEAD) (\/[\x21-\x7e]*) HTTP\/1\.1$/;
/** A header field (RFC 9110 5.1, 5.5): a token, a colon, a value of visible ASCII, spaces and tabs (trimmed after). */
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):([\t\x20-\x7e]*)$/;
/** A header value the answer may carry as it is (what node:http's checkInvalidHeaderChar lets through). */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Headers whose presence needs more of HTTP than a prediction's request and answer: node:http
 * handles them (Expect: 100-continue, Upgrade, chunked or other transfer codings, a Connection
 * other than keep-alive, a Content-Length given twice). The data plane itself leaves Origin and
 * multipart bodies to the framework.
 */
const NODE_HEADERS = new Set(['transfer-encoding', 'expect', 'upgrade', 'te', 'trailer', 'proxy-connection', 'keep-alive', 'http2-settings']);

/**
 * The data plane's HTTP/1.1 connections (issue 3: the MLP's requests are mostly node:http's own
 * cost). A prediction's request is small and plain: a POST with a Content-Length, a few headers, a
 * body. node:http builds an IncomingMessage, a ServerResponse and their streams around each one,
 * calls back into JavaScript for each step of its parser, and checks every header it writes; the
 * data plane uses none of that. So the server's connections start here: each one is read by a
 * parser of that one form and its predictions are answered on the socket directly, as node:http
 * would answer them (the same status line, headers and keep-alive). A GET or HEAD of the same plain
 * form (no body), which clients send between predictions (Triton's clients ask whether a model is
 * ready, or for its metadata, on the connection they then predict on), goes to the framework as
 * node:http gives it a request, in node's own IncomingMessage and ServerResponse on this socket; once
 * answered, the connection is read here again (FrameworkRequest). Everything else, from the first
 * request that is neither (a POST the plane does not take, a head split across reads, anything
 * unusual in a head), goes to node:http: the connection is handed over with the bytes read so far,
 * and stays there (http1-connections.e2e.ts checks both paths give the same bytes).
 *
 * A request the plane takes and then hands over (its key refused, say) goes to node:http the same
 * way, marked so that the plane does not check it a second time (handedOver).
 *
 * Over TLS it reads the TLS sockets once their handshake is done, as node:http does. Off with
 * MODELGATE_DATA_PLANE_HTTP=node, and where the server has a timeout this does not keep
 * (requestTimeout, a socket timeout, maxRequestsPerSocket); Fastify's defaults have none.
 */
export class Http1Connections {
  private taker: ExchangeTaker | undefined;
  private readonly open = new Set<OwnedConnection>();
  private readonly handOverListeners: Array<(socket: Socket) => void>;
  /** The server's keep-alive timeout: how long a connection waits idle for its next request. */
  readonly keepAliveMs: number;
  /** `Keep-Alive: timeout=N` as node:http writes it for this server. */
  readonly keepAliveLine: string;
  private dateSecond = -1;
  private dateLine = '';
  private accepted = 0;
  private handedOverCount = 0;
  private requests = 0;
  private frameworkRequests = 0;
  /** What node:http builds a request and its answer with on this server (createServer's IncomingMessage and ServerResponse options). */
  private readonly requestClass: typeof IncomingMessage;
  private readonly responseClass: typeof ServerResponse;
  /** node:http's key for the server's uniqueHeaders option, which each of its answers copies. */
  private readonly uniqueHeadersKey: symbol | undefined;

  /**
   * Takes over the event by which `server` gives node:http its connections ('connection', or
   * 'secureConnection' over TLS, once the handshake is done): node:http's listener (and any other
   * already there) runs only for the connections handed to it.
   */
  constructor(
    private readonly server: Server,
    readonly activity: () => ActivityGauge | undefined,
  ) {
    const event = connectionEvent(server);
    this.handOverListeners = server.listeners(event) as Array<(socket: Socket) => void>;
    server.removeAllListeners(event);
    server.on(event, (socket: Socket) => this.accept(socket));
    this.keepAliveMs = server.keepAliveTimeout;
    this.keepAliveLine = this.keepAliveMs > 0 ? `Keep-Alive: timeout=${Math.floor(this.keepAliveMs / 1000)}\r\n` : '';
    // node:http keeps these under symbols of its own (_http_server.js), with node's defaults.
    const fields = server as unknown as Record<symbol, unknown>;
    this.requestClass = (fields[nodeSymbol(server, 'IncomingMessage') ?? Symbol()] as typeof IncomingMessage | undefined) ?? IncomingMessage;
    this.responseClass = (fields[nodeSymbol(server, 'ServerResponse') ?? Symbol()] as typeof ServerResponse | undefined) ?? ServerResponse;
    this.uniqueHeadersKey = nodeSymbol(server, 'kUniqueHeaders');
  }

  /** Whether `server`'s settings are ones these connections keep (see the class). */
  static suit(server: Server): boolean {
    return server.requestTimeout === 0 && server.timeout === 0 && !((server.maxRequestsPerSocket ?? 0) > 0) && server.listenerCount(connectionEvent(server)) === 1;
  }

  /** Starts (or stops, undefined) answering predictions: without a taker every connection goes to node:http. */
  serve(taker: ExchangeTaker | undefined): void {
    this.taker = taker;
    if (taker !== undefined) return;
    // As node:http's close: idle connections close now, the others after the answer they owe.
    for (const connection of this.open) connection.closeWhenIdle();
  }

  stats(): Http1ConnectionStats {
    return { open: this.open.size, accepted: this.accepted, requests: this.requests, framework: this.frameworkRequests, handedOver: this.handedOverCount };
  }

  /** Node's `Date: ...\r\n`, made once a second. */
  dateHeader(): string {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== this.dateSecond) {
      this.dateSecond = second;
      this.dateLine = `Date: ${new Date(second * 1000).toUTCString()}\r\n`;
    }
    return this.dateLine;
  }

  /** Whether predictions are answered no more (the server closes): connections end, or go to node:http. */
  get isClosing(): boolean {
    return this.taker === undefined;
  }

  /**
   * Offers `exchange` to the plane; true when it took it. Undefined while the server closes: the
   * connection goes to node:http.
   */
  offer(exchange: PlaneExchange): boolean {
    const taken = this.taker?.takeExchange(exchange) ?? false;
    if (taken) this.requests++;
    return taken;
  }

  /**
   * The request and its answer that node:http would build for the bodiless `head` read on `socket`
   * (_http_server.js: parserOnHeadersComplete, parserOnIncoming), with the server's classes and
   * settings; the answer is assigned the socket and keeps the connection alive.
   */
  frameworkPair(socket: Socket, head: Head): { request: IncomingMessage; response: ServerResponse } {
    const request = new this.requestClass(socket);
    request.httpVersionMajor = 1;
    request.httpVersionMinor = 1;
    request.httpVersion = '1.1';
    request.method = head.method;
    request.url = head.url;
    // As node's parser gives them; `headers` is built from them when first read.
    (request as unknown as { _addHeaderLines(lines: string[], count: number): void })._addHeaderLines(head.rawHeaders!, head.rawHeaders!.length);
    const server = this.server as unknown as { rejectNonStandardBodyWrites?: boolean } & Record<symbol, unknown>;
    // The options node:http gives its answers (its types name only the request).
    const Response = this.responseClass as unknown as new (request: IncomingMessage, options: object) => ServerResponse;
    const response = new Response(request, { highWaterMark: socket.writableHighWaterMark, rejectNonStandardBodyWrites: server.rejectNonStandardBodyWrites ?? false });
    const fields = response as unknown as { _keepAliveTimeout: number } & Record<symbol, unknown>;
    fields._keepAliveTimeout = this.server.keepAliveTimeout;
    if (this.uniqueHeadersKey !== undefined) fields[this.uniqueHeadersKey] = server[this.uniqueHeadersKey];
    response.shouldKeepAlive = true;
    response.assignSocket(socket);
    return { request, response };
  }

  /** Gives the framework a request read here, as node:http does: through the server's 'request' event. */
  emitRequest(request: IncomingMessage, response: ServerResponse): void {
    this.frameworkRequests++;
    this.server.emit('request', request, response);
  }

  private accept(socket: Socket): void {
    if (this.taker === undefined) return this.handOver(socket, undefined, false);
    this.accepted++;
    this.open.add(new OwnedConnection(this, socket));
  }

  /**
   * How long a new connection waits for its first request: the server's headersTimeout, within
   * which node:http wants a request's head from the moment it accepts the connection (0: no limit).
   */
  get firstRequestMs(): number {
    return this.server.headersTimeout;
  }

  /**
   * A request cut short by its client, as node:http's parser reports it at the end of input: to the
   * server's 'clientError' listeners (Fastify answers 400 and destroys the socket), else node's own answer.
   */
  clientError(socket: Socket): void {
    this.reportClientError(socket, Object.assign(new Error('Parse Error: Invalid EOF state'), { code: 'HPE_INVALID_EOF_STATE', bytesParsed: 0 }), 400);
  }

  /**
   * A new connection that sent no request within firstRequestMs, as node:http reports it
   * (ERR_HTTP_REQUEST_TIMEOUT): to the 'clientError' listeners (Fastify answers 408), else node's own 408.
   */
  requestTimeout(socket: Socket): void {
    this.reportClientError(socket, Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), 408);
  }

  private reportClientError(socket: Socket, error: Error, status: 400 | 408): void {
    if (this.server.listenerCount('clientError') > 0) {
      this.server.emit('clientError', error, socket);
      return;
    }
    if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
    socket.destroy(error);
  }

  /** Called by a connection as it ends here: closed, or handed over. */
  forget(connection: OwnedConnection): void {
    this.open.delete(connection);
  }

  /**
   * Gives `socket` to node:http with `bytes` (read here, not answered) put back in front of what is
   * still to come. `refused`: the first of them is a request the plane took and handed over, which
   * the plane must not take again (handedOver).
   */
  handOver(socket: Socket, bytes: Buffer | undefined, refused: boolean): void {
    this.handedOverCount++;
    if (refused) HANDED_OVER.add(socket);
    // As httpolyglot and Node's docs do it: paused, the bytes put back, the listeners attached, then
    // resumed, so that the bytes reach node's parser before anything the socket reads next.
    socket.pause();
    if (bytes !== undefined && bytes.length > 0) socket.unshift(bytes);
    for (const listener of this.handOverListeners) listener.call(this.server, socket);
    socket.resume();
  }
}

/** The event that gives node:http a connection: an HTTPS server's is the TLS socket, once its handshake is done. */
function connectionEvent(server: Server): 'connection' | 'secureConnection' {
  return server instanceof TlsServer ? 'secureConnection' : 'connection';
}

/** Sockets whose next request node:http must give to the framework (Http1Connections.handOver). */
const HANDED_OVER = new WeakSet<Socket>();

/** Whether the request on `socket` is one the plane took on a connection of its own and handed over (true once). */
export function handedOver(socket: Socket): boolean {
  return HANDED_OVER.delete(socket);
}

interface Head {
  method: 'POST' | 'GET' | 'HEAD';
  url: string;
  headers: IncomingHttpHeaders;
  /** Where the body starts. */
  bodyAt: number;
  /** For a GET or HEAD: the header lines as node:http's IncomingMessage.rawHeaders (names as sent, values trimmed). */
  rawHeaders: string[] | undefined;
}

/**
 * The head of the request at the start of `bytes` if it is complete and of the one form the
 * connections read (Http1Connections); undefined for anything else, which node:http reads instead.
 */
export function readHead(bytes: Buffer): Head | undefined {
  const end = bytes.indexOf(HEAD_END, 0);
  if (end < 0 || end > MAX_HEAD_BYTES) return undefined;
  const text = bytes.toString('latin1', 0, end);
  let lineEnd = text.indexOf(CRLF);
  const line = REQUEST_LINE.exec(lineEnd < 0 ? text : text.slice(0, lineEnd));
  if (line === null) return undefined;
  const method = line[1] as Head['method'];
  const headers: IncomingHttpHeaders = {};
  // Only a request for the framework needs them (FrameworkRequest); a prediction's head is read into `headers` alone.
  const rawHeaders: string[] | undefined = method === 'POST' ? undefined : [];
  let lines = 0;
  let host = false;
  while (lineEnd >= 0) {
    const start = lineEnd + 2;
    lineEnd = text.indexOf(CRLF, start);
    const field = HEADER_LINE.exec(lineEnd < 0 ? text.slice(start) : text.slice(start, lineEnd));
    if (field === null || ++lines > MAX_HEADER_LINES) return undefined;
    const name = field[1].toLowerCase();
    // Only spaces and tabs are whitespace here, which is what HTTP trims.
    const value = field[2].trim();
    // A name twice, or one that needs more of HTTP than this reads: node:http's to read.
    if (headers[name] !== undefined || NODE_HEADERS.has(name)) return undefined;
    if (name === 'connection' && value.toLowerCase() !== 'keep-alive') return undefined;
    if (name === 'content-length' && !/^[0-9]{1,15}$/.test(value)) return undefined;
    if (name === 'host') host = true;
    headers[name] = value;
    rawHeaders?.push(field[1], value);
  }
  // HTTP/1.1 requires Host (node:http answers 400 without it). A prediction's body needs its length;
  // a GET or HEAD read here has no body.
  if (!host) return undefined;
  const length = headers['content-length'];
  if (method === 'POST' ? length === undefined : length !== undefined && length !== '0') return undefined;
  return { method, url: line[2], headers, bodyAt: end + 4, rawHeaders };
}

/** The answer's head as node:http's writeHead and end would write it on a keep-alive connection. */
export function answerHead(status: number, headers: readonly string[], date: string, connection: string): string | undefined {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
  for (let at = 0; at < headers.length; at += 2) {
    const value = headers[at + 1];
    // node:http throws for such a value (ERR_INVALID_CHAR); nothing here is sent.
    if (INVALID_VALUE.test(value)) return undefined;
    head += `${headers[at]}: ${value}\r\n`;
  }
  return `${head}${date}${connection}\r\n`;
}

/**
 * One connection read here: requests one at a time, in order. `pending` holds the chunks read and
 * not yet consumed, from the start of the next request (or of the one being admitted), as they came:
 * a body that arrives while its request is admitted is joined once, as node:http's would be.
 */
class OwnedConnection {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The request being answered, from its head to its answer handed to the socket. */
  private current: Exchange | FrameworkRequest | undefined;
  private closeAfterAnswer = false;
  private paused = false;
  private readonly onData = (chunk: Buffer) => this.read(chunk);
  private readonly onEnd = () => this.clientEnded();
  private readonly onClose = () => this.closed();
  /** Whether a request has begun here: till then the connection waits for its first (firstRequestMs), then between requests (keep-alive). */
  private begun = false;
  private readonly onTimeout = () => (this.begun ? this.socket.destroy() : this.owner.requestTimeout(this.socket));
  private readonly onError = () => undefined;
  /** Whether the socket is read through the shared buffer (readThroughSharedBuffer), else by a 'data' listener. */
  private readonly sharedReads: boolean;

  constructor(
    private readonly owner: Http1Connections,
    readonly socket: Socket,
  ) {
    // Through the buffer all plain TCP connections share, without node allocating a buffer for every read (shared-buffer-reads.ts).
    this.sharedReads = readThroughSharedBuffer(socket, this.onData);
    if (!this.sharedReads) socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('timeout', this.onTimeout);
    // 'close' follows; the request in progress learns of it there.
    socket.on('error', this.onError);
    // As node:http: a new connection has headersTimeout to send its first request's head, and is
    // answered 408 past it; between requests it waits as an idle keep-alive, and closes quietly.
    if (owner.firstRequestMs > 0) socket.setTimeout(owner.firstRequestMs);
  }

  /** When the server closes: now if no request is in progress, else once its answer is written. */
  closeWhenIdle(): void {
    if (this.current === undefined) this.finish();
    else this.closeAfterAnswer = true;
  }

  private read(chunk: Buffer): void {
    const current = this.current;
    if (current instanceof Exchange && current.bodyWanted()) {
      // The body of the request in progress; what goes past it is the next request's.
      const rest = current.addBody(chunk);
      if (rest !== undefined) this.keep(rest);
      return;
    }
    this.keep(chunk);
    if (current === undefined) this.next();
  }

  /** Keeps `bytes` after those read and not yet consumed; stops reading while too many wait behind a request in progress. */
  keep(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > MAX_PENDING_BYTES && this.current !== undefined && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** Reads again (the request in progress wants its body, or it is answered). */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  }

  /** At a request boundary: the next request in `pending`, if any. */
  private next(): void {
    this.resume();
    if (this.pending.length === 0) {
      if (this.owner.isClosing) this.finish();
      else if (this.owner.keepAliveMs > 0) this.socket.setTimeout(this.owner.keepAliveMs);
      return;
    }
    // The bytes of pipelined requests, or of a request whose head came in pieces, as one buffer.
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending)];
    const head = this.owner.isClosing ? undefined : readHead(this.pending[0]);
    if (head === undefined) return this.leave(false);
    this.begun = true;
    this.socket.setTimeout(0);
    if (head.method !== 'POST') return this.toFramework(head);
    const exchange = new Exchange(this, head);
    this.current = exchange;
    this.owner.activity()?.enter();
    if (!this.owner.offer(exchange)) {
      this.done(exchange);
      this.leave(false);
    }
  }

  /** A GET or HEAD, answered by the framework; the bytes after its head are the next request's. */
  private toFramework(head: Head): void {
    const [bytes] = this.takeChunks();
    if (bytes.length > head.bodyAt) this.keep(bytes.subarray(head.bodyAt));
    const request = new FrameworkRequest(this, this.owner, head);
    this.current = request;
    request.begin();
  }

  /** The request in progress takes the chunks from its head on (the first holds the head). */
  takeChunks(): Buffer[] {
    const chunks = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return chunks;
  }

  /** The request in progress is answered (or handed over, or dropped). */
  done(exchange: Exchange | FrameworkRequest): void {
    if (this.current !== exchange) return;
    this.current = undefined;
    // A request for the framework is counted by the server's request listener (DataPlaneSwitch), as node:http's are.
    if (exchange instanceof Exchange) this.owner.activity()?.leave();
  }

  /**
   * After an answer is handed to the socket: the next request, or the close the server asked for;
   * `last`: the answer said the connection closes (Connection: close), once it is flushed.
   */
  answered(exchange: Exchange | FrameworkRequest, last: boolean): void {
    this.done(exchange);
    if (last) return this.closeWhenIdle();
    if (this.closeAfterAnswer && this.pending.length === 0) return this.finish();
    // Requests that came after, the server closing: node:http (Fastify answers 503 while it closes).
    if (this.closeAfterAnswer) return this.leave(false);
    this.next();
  }

  /** Whether the answer being written should be the connection's last. */
  lastAnswer(): boolean {
    return (this.closeAfterAnswer || this.owner.isClosing) && this.pending.length === 0;
  }

  /** Hands the connection, with every byte not yet answered, to node:http. */
  leave(refused: boolean): void {
    this.detach();
    const chunks = this.takeChunks();
    this.owner.handOver(this.socket, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), refused);
  }

  /**
   * The client ended its side. As node:http (which allows no half-open HTTP): a request cut short is
   * a client error (the server's 'clientError' listener answers it, Fastify's 400); a whole one in
   * progress is abandoned; the connection closes once what was written is flushed.
   */
  private clientEnded(): void {
    const current = this.current;
    if (current === undefined) return this.finish();
    const cut = !current.complete(this.pendingBytes);
    this.done(current);
    current.gone();
    if (!cut) return this.finish();
    this.detach();
    this.socket.on('error', this.onError);
    this.owner.clientError(this.socket);
  }

  /**
   * Closes the connection once what was written is flushed (node:http's server allows half-open
   * connections, so ending this side alone would leave the socket open until the client ends its own).
   */
  private finish(): void {
    this.detach();
    const socket = this.socket;
    socket.on('error', this.onError);
    socket.end(() => socket.destroy());
  }

  private closed(): void {
    this.detach();
    const current = this.current;
    if (current !== undefined) {
      this.done(current);
      current.gone();
    }
  }

  private detach(): void {
    const socket = this.socket;
    // Whoever reads the socket next reads it through its stream, as node's own reads reach it.
    if (this.sharedReads) readThroughStream(socket);
    else socket.removeListener('data', this.onData);
    socket.removeListener('end', this.onEnd);
    socket.removeListener('close', this.onClose);
    socket.removeListener('timeout', this.onTimeout);
    socket.removeListener('error', this.onError);
    socket.setTimeout(0);
    this.owner.forget(this);
  }

  /** The answer's head; `last`: the connection closes after it (lastAnswer). */
  answerHead(status: number, headers: readonly string[], last: boolean): string | undefined {
    const connection = last ? 'Connection: close\r\n' : `Connection: keep-alive\r\n${this.owner.keepAliveLine}`;
    return answerHead(status, headers, this.owner.dateHeader(), connection);
  }
}

/**
 * A GET or HEAD on an OwnedConnection, given to the framework as node:http gives it a request
 * (_http_server.js: parserOnIncoming, resOnFinish): node's IncomingMessage, complete and bodiless,
 * and ServerResponse, assigned the socket, through the server's 'request' event. node:http writes
 * the answer; when it is written, the response leaves the socket and the connection reads its next
 * request, or closes where the answer was the last (Connection: close).
 */
class FrameworkRequest {
  private readonly request: IncomingMessage;
  private readonly response: ServerResponse;

  /** node:http's socketOnDrain: an answer that wrote more than the socket took (write() false) waits for its 'drain'. */
  private readonly onDrain = () => {
    const response = this.response;
    if (!response.writableNeedDrain) return;
    if (NEED_DRAIN !== undefined) (response as unknown as Record<symbol, boolean>)[NEED_DRAIN] = false;
    response.emit('drain');
  };

  constructor(
    private readonly connection: OwnedConnection,
    private readonly owner: Http1Connections,
    head: Head,
  ) {
    ({ request: this.request, response: this.response } = owner.frameworkPair(connection.socket, head));
    this.response.on('finish', () => this.finished());
    connection.socket.on('drain', this.onDrain);
  }

  /** Hands the request to the framework. */
  begin(): void {
    this.owner.emitRequest(this.request, this.response);
    // As node's parser, once the listener has the request: it has no body.
    this.request.complete = true;
    this.request.push(null);
  }

  /** Whether the whole request is in hand: a bodiless one always is. */
  complete(): boolean {
    return true;
  }

  private finished(): void {
    const { request, response, connection } = this;
    const internals = request as unknown as { _consuming: boolean; _readableState: { resumeScheduled: boolean }; _dump(): void };
    // Unread, the request would never end (node's resOnFinish dumps it the same way).
    if (!internals._consuming && !internals._readableState.resumeScheduled) internals._dump();
    connection.socket.removeListener('drain', this.onDrain);
    response.detachSocket(connection.socket);
    process.nextTick(emitClose, response);
    connection.answered(this, (response as unknown as { _last: boolean })._last);
  }

  /** The socket closed, or the client ended it, before the answer was written: as node:http's abortIncoming. */
  gone(): void {
    this.connection.socket.removeListener('drain', this.onDrain);
    this.request.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  }
}

/**
 * node:http's key for "write() returned false" on an answer (kNeedDrain), the same for every answer;
 * socketOnDrain clears it before the answer's 'drain'. (Were it gone, the 'drain' still comes.)
 */
const NEED_DRAIN = nodeSymbol(new ServerResponse(new IncomingMessage(null as unknown as Socket)), 'kNeedDrain');

/** node:http's emitCloseNT: a response's 'close', once it is written and has left its socket. */
function emitClose(response: ServerResponse): void {
  const state = response as unknown as { _closed: boolean; destroyed: boolean };
  if (state._closed) return;
  state.destroyed = true;
  state._closed = true;
  response.emit('close');
}

/** A request on an OwnedConnection, as the data plane sees it. */
class Exchange implements PlaneExchange {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The connection's bytes from this request's head on, until the body is read. */
  private bytes: Buffer | undefined;
  private joiner: BodyJoiner | undefined;
  private waiting: { resolve: (body: RequestBody) => void; reject: (error: Error) => void } | undefined;
  private isGone = false;
  private bodyRead = false;

  constructor(
    private readonly connection: OwnedConnection,
    private readonly head: Head,
  ) {
    this.url = head.url;
    this.headers = head.headers;
  }

  /** Whether the socket's next bytes are this request's body. */
  bodyWanted(): boolean {
    return this.joiner !== undefined && this.joiner.missing > 0;
  }

  /** Whether the whole request is in hand, `pending` bytes being read and not yet taken. */
  complete(pending: number): boolean {
    if (this.bodyRead) return !this.bodyWanted();
    return pending >= this.head.bodyAt + Number(this.headers['content-length']);
  }

  readBody(length: number, blocks: ScratchBlocks): Promise<RequestBody> {
    if (this.isGone) return Promise.reject(new Error('the client closed the connection'));
    this.bodyRead = true;
    const chunks = this.connection.takeChunks();
    const first = chunks[0];
    const end = this.head.bodyAt + length;
    if (chunks.length === 1 && first.length >= end) {
      // The whole body came with its head (the usual case): a view of it; the rest is the next request's.
      if (first.length > end) this.connection.keep(first.subarray(end));
      return Promise.resolve({ bytes: first.subarray(this.head.bodyAt, end), pooled: false });
    }
    // In pieces: joined as node:http's chunks would be (the first after the head kept as it is).
    this.joiner = new BodyJoiner(length, blocks);
    const rest: Buffer[] = [];
    for (const [index, chunk] of chunks.entries()) {
      const part = index === 0 ? chunk.subarray(this.head.bodyAt) : chunk;
      if (this.joiner.missing === 0) rest.push(part);
      else if (part.length > 0) {
        const past = this.addBody(part);
        if (past !== undefined) rest.push(past);
      }
    }
    for (const part of rest) this.connection.keep(part);
    if (this.joiner.missing === 0) return Promise.resolve(this.joiner.body());
    this.connection.resume();
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** Adds the socket's `chunk` to the body; returns what goes past it. */
  addBody(chunk: Buffer): Buffer | undefined {
    const joiner = this.joiner!;
    const missing = joiner.missing;
    joiner.add(chunk.length > missing ? chunk.subarray(0, missing) : chunk);
    const waiting = this.waiting;
    if (joiner.missing === 0 && waiting !== undefined) {
      this.waiting = undefined;
      waiting.resolve(joiner.body());
    }
    return chunk.length > missing ? chunk.subarray(missing) : undefined;
  }

  handOver(): void {
    if (this.isGone) return;
    this.connection.done(this);
    // The body is unread: the bytes from the head on are node:http's.
    this.connection.leave(true);
  }

  send(status: number, headers: string[], payload: string | Buffer, written: () => void): void {
    const socket = this.connection.socket;
    if (this.isGone || socket.destroyed) {
      // No one to answer: not written, so not recorded (as node:http, whose 'finish' never comes then).
      this.connection.done(this);
      return;
    }
    const last = this.connection.lastAnswer();
    const head = this.connection.answerHead(status, headers, last);
    // As node:http's writeHead: the plane logs it and drops the connection (InferenceDataPlane.takeExchange).
    if (head === undefined) throw new TypeError('Invalid character in a header value of the answer');
    // One write with a JSON body. node:http writes a head in latin1: the same bytes, since the plane's
    // header values are ASCII (versions, routes, request ids of ACCEPTABLE_ID, numbers, fixed strings).
    if (typeof payload === 'string') socket.write(head + payload, 'utf8', written);
    else {
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(payload, written);
      socket.uncork();
    }
    this.connection.answered(this, last);
  }

  drop(): void {
    this.connection.done(this);
    this.connection.socket.destroy();
  }

  /** The socket closed while this request was in progress. */
  gone(): void {
    this.isGone = true;
    this.joiner?.discard();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(new Error('the client closed the connection'));
  }
}
