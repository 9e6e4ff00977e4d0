import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

/** The API's request and response bodies by name, e.g. `Schemas['ModelDto']`. */
export type Schemas = components['schemas'];

/**
 * `GET`, `POST`, ... typed by path from the API's OpenAPI document. The client reads answers as JSON
 * (openapi-fetch's default), so they are typed by their `application/json` media type: a v2 infer
 * answer is the JSON one. Binary tensor data and the ndjson job results are read with `fetch`.
 */
export type ApiClient = Client<paths, 'application/json'>;

export interface ApiClientOptions {
  /** Where the API is, e.g. `http://localhost:8080`; '' (the default) is the page's own origin. */
  baseUrl?: string;
  /** The fetch to call instead of the global one. */
  fetch?: typeof fetch;
  /** Sent with every request, e.g. `{ Authorization: 'Bearer mg_<id>_<secret>' }`. */
  headers?: Record<string, string>;
}

/**
 * A client for the API. The dashboard calls it with no options: same origin, the operator's
 * session cookie. Anything else passes a `baseUrl` and an API key in `headers`.
 */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  return createClient<paths, 'application/json'>({
    baseUrl: options.baseUrl ?? '',
    credentials: 'same-origin',
    headers: options.headers,
    fetch: options.fetch,
  });
}

/** An answer with an error status; `message` is the server's `error` text. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  /** The server's id of the request (also in its logs and the X-Request-Id header). */
  readonly requestId?: string;
  /** The answer's body: `{ error, requestId }` from the API, or text from something in between. */
  readonly body: unknown;

  constructor(response: Response, body: unknown) {
    const error = field(body, 'error');
    super(error ?? (`${response.status} ${response.statusText}`.trim() || 'request failed'));
    this.status = response.status;
    this.requestId = field(body, 'requestId') ?? response.headers.get('x-request-id') ?? undefined;
    this.body = body;
  }
}

/**
 * The body of a successful answer, or an ApiError for any other: `unwrap(await api.GET('/api/models'))`.
 * An answer without a body (204) gives undefined.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) throw new ApiError(result.response, result.error);
  return result.data as T;
}

function field(body: unknown, name: string): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}
