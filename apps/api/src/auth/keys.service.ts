import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { RequestOrigin } from '../audit/request-origin';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../common/errors';
import { Transactions, type Transaction } from '../database/transaction';
import { generateApiKey, KEY_ID_PATTERN, withNewSecret } from './api-key-format';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import type { CreateKeyDto } from './dto/create-key.dto';
import type { CreatedKeyDto, KeyDto, KeyListDto } from './dto/key.dto';
import type { Principal } from './principal';
import { delegationProblem, hasScope, type Grant } from './scopes';

/** How long the old secret keeps working after a rotation unless the caller says otherwise. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 60 * 60;

/**
 * Creating, listing, revoking and rotating keys. `admin` manages every key; a credential with the
 * `keys` scope manages the keys it created (and itself), and can only hand out what it holds.
 */
@Injectable()
export class KeysService {
  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateKeyDto, caller: Principal, origin: RequestOrigin): Promise<CreatedKeyDto> {
    const requested: Grant = {
      scopes: dto.scopes,
      models: dto.models ?? null,
      expiresAt: dto.expiresAt ? new Date(dto.expiresAt) : null,
      rateLimit: dto.rateLimit ? { perSecond: dto.rateLimit.perSecond, burst: dto.rateLimit.burst } : null,
    };
    if (requested.expiresAt && requested.expiresAt.getTime() <= Date.now()) {
      throw new BadRequestError(`expiresAt must be in the future, got ${dto.expiresAt}`);
    }
    const problem = delegationProblem(caller, requested);
    if (problem) throw new ForbiddenError(problem);
    const generated = generateApiKey();
    const entity = await this.transactions.run(async (transaction) => {
      const inserted = await this.repository.insert(
        {
          keyId: generated.keyId,
          secretHash: generated.secretHash,
          name: dto.name,
          scopes: [...requested.scopes],
          models: requested.models ? [...requested.models] : null,
          expiresAt: requested.expiresAt,
          rateLimit: requested.rateLimit,
          createdBy: caller.actor,
        },
        transaction,
      );
      const { name, scopes, models, expiresAt, rateLimit } = inserted;
      await this.audit.record(origin, { action: 'key.create', target: `key:${inserted.keyId}`, changes: { name, scopes, models, expiresAt, rateLimit } }, transaction);
      return inserted;
    });
    return { ...toKeyDto(entity), key: generated.key };
  }

  async list(caller: Principal, limit: number, offset: number): Promise<KeyListDto> {
    const createdBy = hasScope(caller.scopes, 'admin') ? undefined : caller.actor;
    const [keys, total] = await this.repository.list({ createdBy, limit, offset });
    return { items: keys.map(toKeyDto), total };
  }

  /** Revokes a key; refused on this replica at once and on every other within a second. Idempotent. */
  async revoke(keyId: string, caller: Principal, origin: RequestOrigin): Promise<void> {
    await this.transactions.run(async (transaction) => {
      const key = this.manageable(keyId, caller, await this.lookup(keyId, transaction));
      if (key.revokedAt) return;
      await this.repository.revoke(key, new Date(), transaction);
      await this.audit.record(origin, { action: 'key.revoke', target: `key:${key.keyId}`, changes: { name: key.name } }, transaction);
    });
    this.apiKeys.invalidate(keyId);
  }

  /**
   * A new secret for the same key id, scopes and limits. The old secret keeps working for
   * `graceSeconds` (default 24 hours; 0 ends it at once), so clients can switch without an outage.
   * Rotating again within the grace period ends the older secret at once.
   */
  async rotate(keyId: string, graceSeconds: number | undefined, caller: Principal, origin: RequestOrigin): Promise<CreatedKeyDto> {
    const grace = graceSeconds ?? DEFAULT_ROTATION_GRACE_SECONDS;
    const generated = withNewSecret(keyId);
    const rotated = await this.transactions.run(async (transaction) => {
      const key = this.manageable(keyId, caller, await this.lookup(keyId, transaction));
      if (key.revokedAt) throw new ConflictError(`key ${keyId} is revoked and cannot be rotated; create a new key`);
      if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) {
        throw new ConflictError(`key ${keyId} has expired and cannot be rotated; create a new key`);
      }
      const previousUntil = grace > 0 ? new Date(Date.now() + grace * 1000) : null;
      const changes = { graceSeconds: grace, previousSecretExpiresAt: previousUntil };
      await this.audit.record(origin, { action: 'key.rotate', target: `key:${key.keyId}`, changes }, transaction);
      return this.repository.rotate(key, generated.secretHash, previousUntil, transaction);
    });
    this.apiKeys.invalidate(keyId);
    return { ...toKeyDto(rotated), key: generated.key };
  }

  private async lookup(keyId: string, transaction: Transaction): Promise<ApiKeyEntity | null> {
    return KEY_ID_PATTERN.test(keyId) ? this.repository.findForUpdate(keyId, transaction) : null;
  }

  /** Keys the caller may not manage answer 404 like missing ones, so ids of others' keys do not leak. */
  private manageable(keyId: string, caller: Principal, key: ApiKeyEntity | null): ApiKeyEntity {
    const allowed =
      key !== null && (hasScope(caller.scopes, 'admin') || key.createdBy === caller.actor || (caller.kind === 'key' && caller.id === key.keyId));
    if (!allowed) throw new NotFoundError(`key "${keyId.slice(0, 40)}" not found; GET /api/keys lists the keys you manage`);
    return key!;
  }
}

export function toKeyDto(key: ApiKeyEntity): KeyDto {
  return {
    id: key.keyId,
    name: key.name,
    scopes: key.scopes,
    models: key.models,
    rateLimit: key.rateLimit,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    previousSecretExpiresAt: key.previousSecretExpiresAt?.toISOString() ?? null,
    createdBy: key.createdBy,
    createdAt: key.createdAt.toISOString(),
  };
}
