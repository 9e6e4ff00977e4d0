import { finished, PassThrough, type Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { BadRequestError, UnsupportedMediaTypeError } from '../common/errors';
import type { UploadPart } from './registry.service';

/** Adapts @fastify/multipart's parts to the registry's upload parts, streaming (never buffered). */
export async function* multipartParts(request: FastifyRequest, what = 'the model'): AsyncGenerator<UploadPart> {
  if (!request.isMultipart()) {
    throw new UnsupportedMediaTypeError(`upload ${what} as multipart/form-data with the file in a field named "file"`);
  }
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        yield { kind: 'file', fieldname: part.fieldname, filename: part.filename, stream: guarded(part.file) };
      } else {
        yield { kind: 'field', fieldname: part.fieldname, value: part.value };
      }
    }
  } catch (error) {
    throw asClientError(error);
  }
}

/**
 * Receives an uploaded file with `receive`, answering `tooLarge()` when it passed the multipart
 * file size limit: @fastify/multipart cuts such a file short (`truncated`) or fails it with
 * FST_REQ_FILE_TOO_LARGE. `discard` removes what was received of a file cut short.
 */
export async function receiveWithinLimit<T>(
  stream: Readable & { truncated?: boolean },
  receive: () => Promise<T>,
  tooLarge: () => Error,
  discard: (received: T) => Promise<void>,
): Promise<T> {
  let received: T;
  try {
    received = await receive();
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw error;
  }
  if (stream.truncated) {
    await discard(received);
    throw tooLarge();
  }
  return received;
}

/**
 * The parser's own errors (a body cut short, a malformed part header) carry no status: they are
 * the client's malformed body, so a 400. So is a connection the client closed mid-upload (Node's
 * ECONNRESET "aborted"): no one reads the answer, but it is the client's doing, not a server
 * failure to log with its stack. Limit errors (with another code or a status) pass unchanged.
 */
export function asClientError(error: unknown): unknown {
  const { statusCode, code, message } = (error ?? {}) as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (code === 'ECONNRESET' && statusCode === undefined) {
    return new BadRequestError('the upload was cut short: the client closed the connection before the end of the body');
  }
  if (statusCode !== undefined || code !== undefined || !(error instanceof Error)) return error;
  return new BadRequestError(`the multipart body is malformed (${String(message)}); send multipart/form-data with the file in a field named "file"`);
}

/** The file stream, with parser errors turned into client errors; `truncated` (size limit) still readable. */
function guarded(file: Readable & { truncated?: boolean }): Readable & { truncated?: boolean } {
  const output = new PassThrough() as PassThrough & { truncated?: boolean };
  Object.defineProperty(output, 'truncated', { get: () => file.truncated });
  // finished() also reports an error the stream met before anyone listened (a body cut short can
  // fail the part before the upload reads it).
  finished(file, (error) => {
    if (error) output.destroy(asClientError(error) as Error);
  });
  // A part the upload refuses unread (a wrong field name, a second file) is only drained, and its
  // error, when the body is then cut short, comes after the answer with no one reading: without a
  // listener of its own it would be an uncaught exception and end the process. A reader still sees
  // the error (its own listener, or the stream's errored state once it starts reading).
  output.on('error', ignoreUnread);
  file.pipe(output);
  return output;
}

function ignoreUnread(): void {}
