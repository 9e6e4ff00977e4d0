import type { Schemas } from '../../libs/api-client/src/index';
import type { TestServer } from './server';

export const ALL_SCOPES = ['predict', 'models:read', 'models:write', 'deploy', 'keys', 'admin'] as const;

/** A key as POST /api/keys answers it, the full key included (shown once). */
export type CreatedKey = Schemas['CreatedKeyDto'];

/** Creates a key through the API (as the admin key unless `as` is given) and returns the answer. */
export async function createKey(server: TestServer, body: Record<string, unknown>, as?: string): Promise<CreatedKey> {
  const created = await server.json<CreatedKey & { error?: string }>('/api/keys', { method: 'POST', body: JSON.stringify(body), key: as });
  if (created.status !== 201) throw new Error(`creating a key answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body;
}
