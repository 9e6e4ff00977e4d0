import type { AuditService } from '../audit/audit.service';
import type { AppConfig } from '../config/config';
import { UnauthorizedError } from '../common/errors';
import { generateApiKey, withNewSecret } from './api-key-format';
import type { ApiKeyEntity } from './api-key.entity';
import type { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';

/** A repository holding one row; each lookup returns a fresh object, as the ORM does. */
function serviceWith(row: ApiKeyEntity): { service: ApiKeysService; row: ApiKeyEntity } {
  const repository = { findByKeyId: async (keyId: string) => (keyId === row.keyId ? { ...row } : null) } as unknown as ApiKeysRepository;
  const service = new ApiKeysService({} as AppConfig, repository, {} as AuditService);
  return { service, row };
}

function rowFor(keyId: string, secretHash: string): ApiKeyEntity {
  return {
    keyId,
    secretHash,
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    name: 'test',
    scopes: ['predict'],
    models: null,
    rateLimit: null,
    expiresAt: null,
    revokedAt: null,
  } as unknown as ApiKeyEntity;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  return (error as Error).message;
}

describe('ApiKeysService.authenticate', () => {
  it('accepts a key again from its verified entry, and still refuses any other secret for the same id', async () => {
    const key = generateApiKey();
    const { service } = serviceWith(rowFor(key.keyId, key.secretHash));
    for (let attempt = 0; attempt < 3; attempt++) expect((await service.authenticate(key.key)).id).toBe(key.keyId);
    const other = withNewSecret(key.keyId);
    expect(await refusal(service.authenticate(other.key))).toBe('the API key is not valid');
    expect((await service.authenticate(key.key)).id).toBe(key.keyId);
  });

  it('checks a verified key against the reloaded row: revocation and rotation take effect', async () => {
    const key = generateApiKey();
    const { service, row } = serviceWith(rowFor(key.keyId, key.secretHash));
    await service.authenticate(key.key);

    row.revokedAt = new Date();
    service.invalidate(key.keyId);
    expect(await refusal(service.authenticate(key.key))).toBe('the API key has been revoked');

    row.revokedAt = null;
    const rotated = withNewSecret(key.keyId);
    row.previousSecretHash = row.secretHash;
    row.previousSecretExpiresAt = new Date(Date.now() - 1);
    row.secretHash = rotated.secretHash;
    service.invalidate(key.keyId);
    expect(await refusal(service.authenticate(key.key))).toBe('the API key is not valid');
    expect((await service.authenticate(rotated.key)).id).toBe(key.keyId);
  });
});

describe('ApiKeysService.authenticateNow (the data plane, without a promise)', () => {
  it('answers a key once authenticate has verified it against the cached row, and leaves every other case to authenticate', async () => {
    const key = generateApiKey();
    const { service, row } = serviceWith(rowFor(key.keyId, key.secretHash));
    // Not cached yet, then cached but this key not yet verified.
    expect(service.authenticateNow(key.key)).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.authenticateNow(key.key)).toBeUndefined();
    const principal = await service.authenticate(key.key);
    expect(service.authenticateNow(key.key)).toEqual(principal);
    // Another secret for the same id, or a malformed key.
    expect(service.authenticateNow(withNewSecret(key.keyId).key)).toBeUndefined();
    expect(service.authenticateNow('not-a-key')).toBeUndefined();

    // Revoked or expired: authenticate gives the refusal.
    row.revokedAt = new Date();
    service.invalidate(key.keyId);
    expect(await refusal(service.authenticate(key.key))).toBe('the API key has been revoked');
    expect(service.authenticateNow(key.key)).toBeUndefined();
    row.revokedAt = null;
    row.expiresAt = new Date(Date.now() - 1);
    service.invalidate(key.keyId);
    expect(await refusal(service.authenticate(key.key))).toBe('the API key has expired');
    expect(service.authenticateNow(key.key)).toBeUndefined();

    // A key that matches only the secret it replaced, within the grace period, is not kept as verified.
    row.expiresAt = null;
    const rotated = withNewSecret(key.keyId);
    row.previousSecretHash = row.secretHash;
    row.previousSecretExpiresAt = new Date(Date.now() + 60_000);
    row.secretHash = rotated.secretHash;
    service.invalidate(key.keyId);
    expect((await service.authenticate(key.key)).id).toBe(key.keyId);
    expect(service.authenticateNow(key.key)).toBeUndefined();
    expect((await service.authenticate(rotated.key)).id).toBe(key.keyId);
    expect(service.authenticateNow(rotated.key)?.id).toBe(key.keyId);
  });
});
