import { ADMIN_KEY } from '../server';
import { multipartBody, type FuzzRequest } from './http';
import { deeplyNested, mutateJson, mutateText, randomJson } from './mutate';
import type { Random } from './random';

/**
 * The requests of the fuzz test: for a route the app registers, a concrete path (valid, hostile
 * or mutated names), credentials of every kind, headers, and a body that is valid, mutated,
 * random, too deep, too large or not JSON at all; uploads get hand-written multipart bodies with
 * hostile archives and damaged model files.
 */
export const FIXTURE_MODEL = 'fuzzed';

type Json = Parameters<typeof mutateJson>[1];

/** A valid body per route, the starting point of mutations. */
function validBody(method: string, url: string, random: Random): Json | undefined {
  const key = `${method} ${url}`;
  const rows = (count: number) => Array.from({ length: count }, () => [random.next(), random.next(), random.next(), random.next()]);
  if (key === 'POST /api/models') return { name: `fz-${random.int(1e6)}`, description: 'fuzz', task: 'classification', labels: { team: 'fuzz' } };
  if (key === 'PATCH /api/models/:name') return { description: 'changed', task: 'x', labels: { a: 'b' } };
  if (key === 'PATCH /api/models/:name/versions/:version') return { description: 'v', config: { instances: 1, device: 'cpu' }, status: 'ready' };
  if (key === 'POST /api/keys') return { name: 'fuzz key', scopes: ['predict'], models: [FIXTURE_MODEL], expiresAt: '2099-01-01T00:00:00Z', rateLimit: { perSecond: 1, burst: 2 } };
  if (key === 'POST /api/keys/:id/rotate') return { graceSeconds: 10 };
  if (key === 'POST /api/operators') return { username: `fz${random.int(1e6)}`, password: 'fuzz password 123', role: 'viewer' };
  if (key === 'PATCH /api/operators/:username') return { role: 'viewer', disabled: false, password: 'another password 1' };
  if (key === 'POST /api/auth/login') return { username: 'admin', password: 'not the password' };
  if (key === 'POST /api/auth/password') return { currentPassword: 'not the password', newPassword: 'a new password 12' };
  if (url.endsWith('/infer')) {
    const count = random.between(1, 3);
    return { id: 'r1', inputs: [{ name: 'x', datatype: 'FP32', shape: [count, 4], data: rows(count).flat() }], outputs: [{ name: 'probabilities' }], parameters: {} };
  }
  if (url.includes('predict')) {
    return random.pick<Json>([{ instances: rows(2) }, { inputs: { x: rows(2) } }, { signature_name: 'serving_default', instances: [{ x: rows(1)[0]! }] }]);
  }
  return method === 'GET' || method === 'DELETE' ? undefined : {};
}

const NAMES = ['scratch', 'nope', 'a'.repeat(63), 'A', '..', '.', '%2e%2e', '%2F', 'x%00', '%C3%BC', '%F0%9F%98%80', '%', '%zz', 'a%20b', "'", '%22', '%3Cscript%3E', 'x'.repeat(200), '-', '0'];
const VERSIONS = ['1', '2', '0', '-1', '01', '1.0', '99999999999999999999', 'latest', '%31', '1e3', '%201', '9'.repeat(40)];
const IDS = ['nosuchkey1', 'x', 'a'.repeat(40), '%00', '..%2F', 'ZZZZZZZZZZZZ'];
const USERNAMES = ['nobody', 'fuzz-viewer', 'ADMIN', '%00', 'a'.repeat(100), 'x%2Fy'];
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=nothing-here',
  'application/octet-stream',
  'application/json; charset=latin1',
  'a/b/c',
  '',
  'application/json, text/plain',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND'];

export interface Fixtures {
  onnx: Buffer;
  files: Buffer[];
}

export interface Credentials {
  reader: string;
  limited: string;
  cookie: string;
}

function concretePath(url: string, random: Random, privilegedWrite: boolean): string {
  return url
    .replace(/\([^)]*\)/g, '')
    .replace(/::/g, '\u0000')
    .replace(/:([A-Za-z]+)/g, (_match, parameter: string) => {
      if (parameter === 'name') return privilegedWrite || random.chance(0.4) ? random.pick(NAMES) : FIXTURE_MODEL;
      if (parameter === 'version') return random.chance(0.6) ? '1' : random.pick(VERSIONS);
      if (parameter === 'id') return random.pick(IDS);
      if (parameter === 'username') return random.pick(USERNAMES);
      return random.text(8).replace(/[^A-Za-z0-9]/g, '') || 'x';
    })
    .replace(/\*/g, 'x')
    .replace(/\u0000/g, ':');
}

function mutatePath(path: string, random: Random): string {
  switch (random.int(8)) {
    case 0:
      return `${path}/${random.pick(['x', '..', '%2e%2e%2f', '', 'versions', '1'])}`;
    case 1:
      return path.replace(/\//g, '//');
    case 2:
      return `${path}/`;
    case 3:
      return `${path}?${random.pick(['limit=0', 'limit=-1', 'limit=99999', 'offset=abc', '__proto__[x]=1', 'a=1&a=2', `q=${'x'.repeat(5000)}`, 'from=2020-13-45', 'cursor=1%00', 'limit=1e3'])}`;
    case 4:
      return path.replace(/[a-z]/, (letter) => `%${letter.charCodeAt(0).toString(16)}`);
    case 5:
      return `/${random.pick(['api', 'v1', 'v2', 'docs', 'health', 'metrics'])}/${random.text(20).replace(/[^\x21-\x7e]/g, '')}`;
    case 6:
      return path.toUpperCase();
    default:
      return `${path}${random.pick(['%', '%2', '%ff', '#x', ';x=1', '%00'])}`;
  }
}

function bodyFor(validJson: Json | undefined, random: Random, limitBytes: number): Buffer | undefined {
  const base = validJson ?? {};
  return random.weighted<() => Buffer | undefined>([
    [20, () => (validJson === undefined ? undefined : Buffer.from(JSON.stringify(validJson)))],
    [30, () => Buffer.from(JSON.stringify(mutateJson(random, random.chance(0.3) ? mutateJson(random, base) : base)))],
    [18, () => mutateText(random, JSON.stringify(base))],
    [10, () => Buffer.from(JSON.stringify(randomJson(random, 4)))],
    [5, () => Buffer.from(deeplyNested(random, random.pick([40, 80, 300, 5000])))],
    [2, () => Buffer.alloc(limitBytes + random.between(1, 4096), 0x20)],
    [7, () => random.pick([Buffer.alloc(0), Buffer.from('   '), Buffer.from('null'), Buffer.from('[]'), Buffer.from('"x"'), random.bytes(random.between(1, 300))])],
    [8, () => undefined],
  ])();
}

interface InferJson {
  inputs: Array<{ data?: number[]; parameters?: Record<string, Json> }>;
  outputs?: Array<{ parameters?: Record<string, Json> }>;
  parameters?: Record<string, Json>;
}

/**
 * A v2 request in the binary tensor extension: the valid request's JSON with its input's elements
 * moved after it as little-endian FP32 (`binary_data_size`), and the length of the JSON for
 * Inference-Header-Content-Length. Most are sent whole; the rest have their JSON, their bytes or
 * that length changed, so that every part of the framing is tried.
 */
function binaryInferBody(random: Random, valid: Json): { body: Buffer; headerLength: string } {
  const request = JSON.parse(JSON.stringify(valid)) as InferJson;
  const input = request.inputs[0]!;
  const tensor = Buffer.from(Float32Array.from(input.data ?? []).buffer);
  delete input.data;
  input.parameters = { binary_data_size: tensor.length };
  if (random.chance(0.5)) request.parameters = { binary_data_output: random.chance(0.8) };
  if (random.chance(0.3) && request.outputs?.[0]) request.outputs[0].parameters = { binary_data: random.chance(0.5) };
  // The classification extension: its BYTES answer goes through the binary framing too.
  if (random.chance(0.2) && request.outputs?.[0]) {
    request.outputs[0].parameters = { ...request.outputs[0].parameters, classification: random.pick<Json>([1, 2, 3, 100, 0, -1, 1.5, 'two', null]) };
  }
  const json = Buffer.from(JSON.stringify(random.chance(0.25) ? mutateJson(random, request as unknown as Json) : request));
  const body = Buffer.concat([json, tensor]);
  return random.weighted<() => { body: Buffer; headerLength: string }>([
    [55, () => ({ body, headerLength: String(json.length) })],
    [10, () => ({ body, headerLength: String(Math.max(0, json.length + random.pick([-8, -1, 1, 8]))) })],
    [5, () => ({ body, headerLength: String(body.length) })],
    [10, () => ({ body: body.subarray(0, json.length + random.int(tensor.length)), headerLength: String(json.length) })],
    [8, () => ({ body: Buffer.concat([body, random.bytes(random.between(1, 16))]), headerLength: String(json.length) })],
    [12, () => {
      const flipped = Buffer.from(body);
      for (let flips = random.between(1, 4); flips > 0; flips -= 1) flipped[random.int(flipped.length)] = random.int(256);
      return { body: flipped, headerLength: String(json.length) };
    }],
  ])();
}

function uploadBody(random: Random, fixtures: Fixtures): { body: Buffer; contentType: string } {
  const parts: Array<{ name: string; filename?: string; content: Buffer; contentType?: string }> = [];
  if (random.chance(0.5)) parts.push({ name: 'config', content: Buffer.from(random.pick(['{"instances":1}', '{"instances":99}', '{"device":"gpu:99"}', '{"x":1}', 'nope', '[]', deeplyNested(random, 60), JSON.stringify(randomJson(random, 3))])) });
  if (random.chance(0.3)) parts.push({ name: 'description', content: Buffer.from(random.chance(0.2) ? 'd'.repeat(3000) : random.text(50)) });
  if (random.chance(0.1)) parts.push({ name: random.text(10) || 'extra', content: random.bytes(20) });
  if (random.chance(0.85)) {
    const content = random.weighted<() => Buffer>([
      [3, () => fixtures.onnx],
      [20, () => random.pick(fixtures.files)],
      [15, () => fixtures.onnx.subarray(0, random.int(fixtures.onnx.length))],
      [15, () => mutateText(random, fixtures.onnx.toString('latin1'))],
      [15, () => random.bytes(random.between(1, 3000))],
      [10, () => Buffer.concat([Buffer.from([0x1f, 0x8b]), random.bytes(200)])],
      [10, () => Buffer.concat([Buffer.from('PK\u0003\u0004'), random.bytes(200)])],
      [2, () => Buffer.alloc(0)],
    ])();
    const filename = random.pick(['model.onnx', 'model.zip', 'model.tar.gz', 'm.tgz', '../../etc/passwd', '/abs.onnx', 'x'.repeat(300), 'name"with;quotes.onnx', 'ü.onnx', '']);
    parts.push({ name: random.chance(0.9) ? 'file' : 'model', filename, content, contentType: random.pick(['application/octet-stream', 'application/zip', 'text/plain']) });
  }
  if (random.chance(0.05)) parts.push({ name: 'file', filename: 'second.onnx', content: fixtures.onnx });
  if (random.chance(0.03)) for (let index = 0; index < 25; index += 1) parts.push({ name: `f${index}`, content: Buffer.from('x') });
  const { body, boundary } = multipartBody(random, parts);
  const contentType = `multipart/form-data; boundary=${boundary}`;
  return random.weighted<() => { body: Buffer; contentType: string }>([
    [80, () => ({ body, contentType })],
    [6, () => ({ body: body.subarray(0, random.int(body.length)), contentType })],
    [5, () => ({ body, contentType: 'multipart/form-data; boundary=wrong' })],
    [4, () => ({ body, contentType: 'multipart/form-data' })],
    [5, () => ({ body: mutateText(random, body.toString('latin1')), contentType })],
  ])();
}

function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '');
}

export function nextRequest(random: Random, routes: Array<{ method: string; url: string }>, credentials: Credentials, fixtures: Fixtures, bodyLimit: number): FuzzRequest {
  const headers: Record<string, string> = {};
  const auth = random.weighted<string>([
    [70, 'admin'],
    [8, 'none'],
    [5, 'malformed'],
    [5, 'reader'],
    [4, 'limited'],
    [5, 'cookie'],
    [3, 'x-api-key'],
  ]);
  if (auth === 'admin') headers.authorization = `Bearer ${ADMIN_KEY}`;
  if (auth === 'malformed') headers.authorization = random.pick(['Bearer', 'Bearer mg_x_y', `Basic ${Buffer.from('a:b').toString('base64')}`, `Bearer ${ADMIN_KEY}x`, `Bearer ${'a'.repeat(3000)}`, 'mg_testadmin01_']);
  if (auth === 'reader') headers.authorization = `Bearer ${credentials.reader}`;
  if (auth === 'limited') headers['x-api-key'] = credentials.limited;
  if (auth === 'x-api-key') headers['x-api-key'] = ADMIN_KEY;
  if (auth === 'cookie') {
    headers.cookie = random.chance(0.8) ? credentials.cookie : random.pick(['mg_session=', 'mg_session=x', `mg_session=${'a'.repeat(43)}`, '; ; =', 'mg_session="\\"']);
    if (random.chance(0.3)) headers.origin = random.pick(['https://evil.example', 'null', 'http://127.0.0.1']);
  }

  const fromRoute = random.chance(0.9);
  // Uploads and v2 predictions get a larger share than one route in forty: uploads have the most
  // ways to go wrong, and predictions two framings (JSON, and the binary tensor extension).
  const uploadRoute = routes.find((candidate) => candidate.method === 'POST' && candidate.url === '/api/models/:name/versions');
  const inferRoutes = routes.filter((candidate) => candidate.method === 'POST' && candidate.url.endsWith('/infer'));
  const route = random.weighted<() => { method: string; url: string }>([
    [6, () => uploadRoute ?? random.pick(routes)],
    [8, () => (inferRoutes.length > 0 ? random.pick(inferRoutes) : random.pick(routes))],
    [86, () => random.pick(routes)],
  ])();
  let method = fromRoute && random.chance(0.92) ? route.method : random.pick(METHODS);
  // Credentials that may change models never get the fixture model's name on a management write,
  // so it keeps serving (the test checks its numbers at the end).
  const protectFixture = auth !== 'none' && auth !== 'malformed' && auth !== 'reader' && !['GET', 'HEAD'].includes(method) && route.url.startsWith('/api/');
  let path = fromRoute ? concretePath(route.url, random, protectFixture) : `/${random.text(30).replace(/[^\x21-\x7e]/g, '')}`;
  if (random.chance(0.12)) path = mutatePath(path, random);
  if (protectFixture && path.includes(FIXTURE_MODEL)) path = path.replace(FIXTURE_MODEL, 'scratch');

  let body: Buffer | undefined;
  const upload = route.url === '/api/models/:name/versions' && route.method === 'POST' && fromRoute;
  if (upload && random.chance(0.85)) {
    const form = uploadBody(random, fixtures);
    body = form.body;
    headers['content-type'] = form.contentType;
  } else if (fromRoute && route.url.endsWith('/infer') && random.chance(0.35)) {
    const binary = binaryInferBody(random, validBody(route.method, route.url, random)!);
    body = binary.body;
    headers['content-type'] = random.chance(0.85) ? 'application/octet-stream' : random.pick(CONTENT_TYPES);
    headers['inference-header-content-length'] = binary.headerLength;
  } else {
    body = bodyFor(validBody(route.method, route.url, random), random, bodyLimit);
    if (body !== undefined || random.chance(0.2)) headers['content-type'] = random.chance(0.7) ? 'application/json' : random.pick(CONTENT_TYPES);
  }
  if (method === 'GET' || method === 'HEAD') {
    if (random.chance(0.8)) body = undefined;
    else method = method === 'HEAD' ? 'GET' : method;
  }

  if (random.chance(0.15)) headers['x-request-id'] = printable(random.text(40)) || 'id';
  if (random.chance(0.08)) headers['inference-header-content-length'] = random.pick(['0', '5', '-1', 'abc', '99999999', '1e3', String(body?.length ?? 0)]);
  if (random.chance(0.05)) headers['x-request-timeout-ms'] = random.pick(['abc', '-5', '0', '1e9', '60000']);
  if (random.chance(0.05)) headers['content-encoding'] = random.pick(['gzip', 'br', 'identity', 'x']);
  if (random.chance(0.05)) headers.accept = random.pick(['application/octet-stream', '*/*', 'text/html', '']);
  if (random.chance(0.03)) headers.origin = 'https://elsewhere.example';
  if (random.chance(0.03)) headers['transfer-encoding'] = 'chunked';

  const summary = body === undefined ? 'no body' : `${body.length} bytes: ${printable(body.subarray(0, 120).toString('latin1'))}`;
  return { method, path, headers, body, label: `${method} ${path.slice(0, 200)} [${auth}; ${headers['content-type'] ?? 'no content-type'}] ${summary}` };
}

/** Bytes that no HTTP client would send: the server must answer 4xx or close, and live on. */
export function rawRequests(random: Random): Array<{ label: string; bytes: Buffer }> {
  const auth = `Authorization: Bearer ${ADMIN_KEY}\r\n`;
  const cases = [
    'GARBAGE\r\n\r\n',
    'GET\r\n\r\n',
    'GET /api/models HTTP/9.9\r\n\r\n',
    `GET /api/models HTTP/1.1\r\nHost: x\r\n${auth}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    `GET /api/models HTTP/1.1\r\nHost: x\r\n${auth}Bad Header\r\n\r\n`,
    `POST /api/models HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{"a":1}`,
    `POST /api/models HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: -1\r\n\r\n`,
    `POST /api/models HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n`,
    `POST /api/models HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n`,
    `GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n`,
    `GET /api/models\u0000 HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    `GET http://evil.example/api/models HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    `GET /api/models HTTP/1.0\r\n${auth}\r\n`,
    `POST /v2/models/${FIXTURE_MODEL}/infer HTTP/1.1\r\nHost: x\r\n${auth}Inference-Header-Content-Length: 99999\r\nContent-Length: 2\r\n\r\n{}`,
    `GET /api/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'\u00ff'.repeat(50)}\r\n\r\n`,
  ];
  const extra = Array.from({ length: 25 }, () => Buffer.concat([Buffer.from(`${random.pick(METHODS)} /api/${random.pick(['models', 'keys', 'audit'])} HTTP/1.1\r\nHost: x\r\n${auth}`), random.bytes(random.between(1, 200)), Buffer.from('\r\n\r\n')]));
  return [...cases.map((text) => ({ label: JSON.stringify(text.slice(0, 120)), bytes: Buffer.from(text, 'latin1') })), ...extra.map((bytes) => ({ label: `random bytes ${bytes.toString('hex').slice(0, 80)}`, bytes }))];
}
