import { ApiError, createApiClient, unwrap, type Schemas } from '@modelgate/api-client';

/**
 * The dashboard's one client: same origin, authenticated by the operator's session cookie (set by
 * POST /api/auth/login, HttpOnly, SameSite=Strict), typed by the API's own OpenAPI document.
 */
export const api = createApiClient();

export type { Schemas };
export { ApiError };

const sessionLost = new EventTarget();

/** Runs when any call answers 401: the session ended (expired, logged out elsewhere, password changed). */
export function onSessionLost(listener: () => void): () => void {
  sessionLost.addEventListener('lost', listener);
  return () => sessionLost.removeEventListener('lost', listener);
}

/**
 * The data of an API answer, or an ApiError carrying the server's message (which says what was
 * wrong and what would be right). A 401 also tells the app that the session is gone.
 */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const result = await request;
  if (result.response.status === 401) sessionLost.dispatchEvent(new Event('lost'));
  return unwrap(result);
}

/** A message for the operator from whatever a call threw. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'Modelgate did not answer: is the server running?';
  return error instanceof Error ? error.message : String(error);
}

/**
 * POSTs multipart/form-data, reporting the upload's progress (files run to hundreds of megabytes,
 * and fetch cannot report an upload's progress). The server works on the file before it answers,
 * so the answer comes some time after the last byte is sent.
 */
function postForm<T>(path: string, form: FormData, onProgress: (sentShare: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.responseType = 'json';
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onerror = () => reject(new TypeError('upload failed: the connection to Modelgate was lost'));
    request.onload = () => {
      const body = request.response as T | null;
      if (request.status >= 200 && request.status < 300 && body) return resolve(body);
      if (request.status === 401) sessionLost.dispatchEvent(new Event('lost'));
      const headers = new Headers();
      const requestId = request.getResponseHeader('x-request-id');
      if (requestId) headers.set('x-request-id', requestId);
      reject(new ApiError(new Response(null, { status: request.status || 500, statusText: request.statusText, headers }), body));
    };
    request.send(form);
  });
}

/** Uploads a version's file; the server stores, loads and warms the model before it answers. */
export function uploadVersion(name: string, form: FormData, onProgress: (sentShare: number) => void): Promise<Schemas['VersionDto']> {
  return postForm(`/api/models/${encodeURIComponent(name)}/versions`, form, onProgress);
}

/** Submits a batch job's file of rows; the server checks every row against the model before it answers. */
export function submitJob(name: string, form: FormData, onProgress: (sentShare: number) => void): Promise<Schemas['JobDto']> {
  return postForm(`/api/models/${encodeURIComponent(name)}/jobs`, form, onProgress);
}

/** The model's deployment, or null where it has none (its unpinned requests go to its newest ready version). */
export async function deploymentOf(name: string): Promise<Schemas['DeploymentDto'] | null> {
  try {
    return await call(api.GET('/api/models/{name}/deployment', { params: { path: { name } } }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.message.includes('has no deployment')) return null;
    throw error;
  }
}

/** Every item of a paged list (`limit`/`offset`, 500 a page at most), read a page at a time. */
export async function allPages<T>(page: (query: { limit: string; offset: string }) => Promise<{ items: T[]; total: number }>): Promise<{ items: T[]; total: number }> {
  const items: T[] = [];
  for (;;) {
    const next = await page({ limit: '500', offset: String(items.length) });
    items.push(...next.items);
    if (next.items.length === 0 || items.length >= next.total) return { items, total: next.total };
  }
}

/** The first `pages` pages of a list paged by cursor (`nextCursor`), read a page at a time, and whether more follow. */
export async function cursorPages<T>(pages: number, page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let read = 0; read < pages; read++) {
    const next = await page(cursor);
    items.push(...next.items);
    if (next.nextCursor === null) return { items, more: false };
    cursor = next.nextCursor;
  }
  return { items, more: true };
}
