import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ModelRuntime } from '@modelgate/runtime';
import { Client } from 'pg';
import { loadConfig } from '../../apps/api/src/config/config';
import { createModelgate, type Modelgate } from '../../apps/api/src/app';
import { ModelServer } from '../../apps/api/src/inference/model-server.service';

/** The admin key every test server starts with. */
export const ADMIN_KEY = 'mg_testadmin01_' + 'k'.repeat(40);
/** The password of the first operator, "admin", on every test server. */
export const ADMIN_PASSWORD = 'test-admin-password-0123';

export interface TestServer {
  url: string;
  dataDir: string;
  /** Where the app's data lives: a fresh database on DATABASE_URL's server, or the embedded one. */
  databaseUrl: string;
  modelgate: Modelgate;
  /** fetch against the server with the admin key unless `key: null` or another key is given. */
  fetch(path: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
  json<T = unknown>(path: string, init?: RequestInit & { key?: string | null }): Promise<{ status: number; body: T; headers: Headers }>;
  /** Stops and starts the server on the same data and database, as a restart would; `env` changes variables for this start and the next. */
  restart(env?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
}

/**
 * Boots the real app over HTTP on a free port. With DATABASE_URL set (CI: the real PostgreSQL),
 * each server gets its own freshly created database, dropped at close; without it, the embedded
 * PGlite database under a temporary data dir.
 */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'modelgate-test-'));
  const serverUrl = process.env.DATABASE_URL;
  const database = serverUrl ? await createDatabase(serverUrl) : undefined;
  const env = {
    HOST: '127.0.0.1',
    PORT: '0',
    MODELGATE_DATA_DIR: dataDir,
    MODELGATE_ADMIN_KEY: ADMIN_KEY,
    MODELGATE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    MODELGATE_DEMO: 'false',
    LOG_LEVEL: 'error',
    // No gRPC server unless a test asks for one (MODELGATE_GRPC_PORT: '0'; GrpcServer.port gives it).
    MODELGATE_GRPC_PORT: 'off',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  };
  const boot = async () => {
    const modelgate = await createModelgate(loadConfig(env));
    const url = (await modelgate.listen()).replace('[::1]', '127.0.0.1');
    return { modelgate, url };
  };
  let current = await boot();

  const server: TestServer = {
    get url() {
      return current.url;
    },
    get modelgate() {
      return current.modelgate;
    },
    get databaseUrl() {
      return current.modelgate.databaseUrl;
    },
    dataDir,
    fetch(path, init = {}) {
      const { key, ...rest } = init;
      const headers = new Headers(rest.headers);
      const presented = key === undefined ? (env.MODELGATE_ADMIN_KEY ?? ADMIN_KEY) : key;
      if (presented !== null && !headers.has('authorization')) headers.set('authorization', `Bearer ${presented}`);
      return fetch(current.url + path, { ...rest, headers });
    },
    async json<T>(path: string, init: RequestInit & { key?: string | null } = {}) {
      const headers = new Headers(init.headers);
      if (init.body !== undefined && typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
      const response = await server.fetch(path, { ...init, headers });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
    },
    async restart(changes = {}) {
      await current.modelgate.close();
      Object.assign(env, changes);
      current = await boot();
    },
    async close() {
      await current.modelgate.close();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

export async function createDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `modelgate_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A multipart body with the model file and optional fields. */
export function uploadForm(file: Uint8Array | Buffer, filename: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file]), filename);
  return form;
}

/**
 * Uploads the model file at `path` as a new version of `model` (which must exist), with the admin
 * key and optional form fields (`config`, `description`); the answer as `json` gives it.
 */
export async function uploadVersion<T = unknown>(server: TestServer, model: string, path: string, fields?: Record<string, string>) {
  return server.json<T>(`/api/models/${model}/versions`, { method: 'POST', body: uploadForm(await readFile(path), basename(path), fields) });
}

/**
 * Turns the runtime's test hooks (simulateWorkerStall, simulateWorkerCrash) on for servers started
 * afterwards; the returned function restores the environment.
 */
export function enableRuntimeTestHooks(): () => void {
  const before = process.env.MODELGATE_TEST_HOOKS;
  process.env.MODELGATE_TEST_HOOKS = '1';
  return () => {
    if (before === undefined) delete process.env.MODELGATE_TEST_HOOKS;
    else process.env.MODELGATE_TEST_HOOKS = before;
  };
}

/** The server's model runtime, for the test hooks and its statistics. */
export function runtimeOf(server: TestServer): ModelRuntime {
  return (server.modelgate.app.get(ModelServer) as unknown as { runtime: ModelRuntime }).runtime;
}

/**
 * Runs `work` with a connection of its own to the server's database (PostgreSQL or the embedded
 * one's socket), closed afterwards: for what a test must see or set below the API.
 */
export async function withDatabase<T>(server: Pick<TestServer, 'databaseUrl'>, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
