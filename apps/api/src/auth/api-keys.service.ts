import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { systemOrigin } from '../audit/request-origin';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { UnauthorizedError } from '../common/errors';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key-format';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';
import type { Principal } from './principal';
import { TtlCache } from './ttl-cache';

/** A revoked or expired key stops working within this long on every replica. */
const CACHE_TTL_MS = 1000;
const CACHE_MAX_ENTRIES = 10_000;
const LAST_USED_FLUSH_MS = 10_000;
export const ADMIN_KEY_FILE = 'admin-key';

@Injectable()
export class ApiKeysService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeysService.name);
  // Unknown ids are cached too, so a flood of made-up keys cannot hammer the database.
  private readonly cache = new TtlCache<ApiKeyEntity | null>(CACHE_TTL_MS, CACHE_MAX_ENTRIES);
  /**
   * Presented keys already checked against their row's current secret hash: full key -> the row
   * (the cached entity object) it matched. While the cache serves that same row, the key needs no
   * hashing again; a reloaded row (every half second in use, and at once after a revocation or
   * rotation on this replica) is a new object, so the key is checked against it afresh. Keys that
   * matched only a rotated-out secret are not kept: that grace period ends on its own clock.
   */
  private readonly verifiedKeys = new Map<string, ApiKeyEntity>();
  private readonly usedKeyIds = new Set<string>();
  private flushTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: ApiKeysRepository,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bootstrapAdminKey();
    this.flushTimer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS);
    this.flushTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUsed();
  }

  /**
   * Checks a presented key; the lookup is cached for a second so the hot path rarely reaches the
   * database. Within a rotation's grace period the replaced secret is accepted too.
   */
  async authenticate(rawKey: string): Promise<Principal> {
    const parsed = parseApiKey(rawKey);
    if (!parsed) throw new UnauthorizedError('the API key is malformed: keys look like mg_<id>_<secret>');
    const entity = await this.lookup(parsed.keyId);
    const now = Date.now();
    if (!entity || (this.verifiedKeys.get(rawKey) !== entity && !this.verifySecret(rawKey, entity, parsed.secret, now))) {
      throw new UnauthorizedError('the API key is not valid');
    }
    const refused = refusalOf(entity, now);
    if (refused !== undefined) throw new UnauthorizedError(refused);
    return this.principalOf(entity);
  }

  /**
   * `authenticate` without a promise, for the inference data plane: the principal when the key's
   * row is cached and this very key already matched it, unrevoked and unexpired; undefined in
   * every other case (not cached yet, a refusal), where `authenticate` decides.
   */
  authenticateNow(rawKey: string): Principal | undefined {
    const parsed = parseApiKey(rawKey);
    if (!parsed) return undefined;
    const entity = this.cache.getNow(parsed.keyId, () => this.repository.findByKeyId(parsed.keyId))?.value;
    if (!entity || this.verifiedKeys.get(rawKey) !== entity || refusalOf(entity, Date.now()) !== undefined) return undefined;
    return this.principalOf(entity);
  }

  private principalOf(entity: ApiKeyEntity): Principal {
    this.usedKeyIds.add(entity.keyId);
    return {
      kind: 'key',
      id: entity.keyId,
      actor: `key:${entity.keyId}`,
      name: entity.name,
      scopes: entity.scopes,
      models: entity.models,
      expiresAt: entity.expiresAt,
      rateLimit: entity.rateLimit,
    };
  }

  /** Drops a key from this replica's cache at once (revoke, rotate); other replicas follow within CACHE_TTL_MS. */
  invalidate(keyId: string): void {
    this.cache.delete(keyId);
  }

  private verifySecret(rawKey: string, entity: ApiKeyEntity, secret: string, now: number): boolean {
    if (secretMatches(secret, entity.secretHash)) {
      if (this.verifiedKeys.size >= CACHE_MAX_ENTRIES) this.verifiedKeys.clear();
      this.verifiedKeys.set(rawKey, entity);
      return true;
    }
    return (
      entity.previousSecretHash !== null &&
      entity.previousSecretExpiresAt !== null &&
      entity.previousSecretExpiresAt.getTime() > now &&
      secretMatches(secret, entity.previousSecretHash)
    );
  }

  private lookup(keyId: string): Promise<ApiKeyEntity | null> {
    return this.cache.get(keyId, () => this.repository.findByKeyId(keyId));
  }

  private async flushLastUsed(): Promise<void> {
    if (this.usedKeyIds.size === 0) return;
    const keyIds = [...this.usedKeyIds];
    this.usedKeyIds.clear();
    try {
      await this.repository.touch(keyIds, new Date());
    } catch (error) {
      this.logger.warn(`could not record key use: ${(error as Error).message}`);
    }
  }

  /**
   * MODELGATE_ADMIN_KEY, when set, is the admin key (its hash is stored, replacing an older one
   * with the same id). When unset and no key exists yet, one is generated, saved to
   * `<dataDir>/admin-key` (readable by the owner only) and printed this once.
   */
  private async bootstrapAdminKey(): Promise<void> {
    if (this.config.adminKey) {
      const parsed = parseApiKey(this.config.adminKey)!;
      const existing = await this.repository.findByKeyId(parsed.keyId);
      const secretHash = hashSecret(parsed.secret);
      if (!existing) {
        await this.repository.insert({ ...adminKeyFields(), keyId: parsed.keyId, secretHash });
        await this.recordBootstrap('key.create', parsed.keyId);
      } else if (existing.secretHash !== secretHash) {
        await this.repository.setSecretHash(existing, secretHash);
        await this.recordBootstrap('key.rotate', parsed.keyId);
      } else if (existing.revokedAt) {
        // A revoked key is not brought back by a restart; a new secret in the variable replaces it.
        this.logger.warn(`MODELGATE_ADMIN_KEY (key ${parsed.keyId}) has been revoked; set a new key in MODELGATE_ADMIN_KEY`);
      }
      return;
    }
    if ((await this.repository.countActive()) > 0) return;
    const generated = generateApiKey();
    await this.repository.insert({ ...adminKeyFields(), keyId: generated.keyId, secretHash: generated.secretHash });
    await this.recordBootstrap('key.create', generated.keyId);
    const file = join(this.config.dataDir, ADMIN_KEY_FILE);
    await writeFile(file, `${generated.key}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    process.stdout.write(
      `\n  Modelgate admin API key (shown once, saved to ${file}):\n\n    ${generated.key}\n\n` +
        `  Send it as "Authorization: Bearer <key>". Set MODELGATE_ADMIN_KEY to choose your own.\n\n`,
    );
  }

  private recordBootstrap(action: 'key.create' | 'key.rotate', keyId: string): Promise<void> {
    return this.audit.recordAfter(systemOrigin('bootstrap'), { action, target: `key:${keyId}`, changes: { name: 'bootstrap admin', scopes: ['admin'] } });
  }
}

function adminKeyFields() {
  return {
    name: 'bootstrap admin',
    scopes: ['admin'],
    models: null,
    rateLimit: null,
    expiresAt: null,
    createdBy: 'bootstrap',
  };
}

/** Why a key whose secret matched is still refused (revoked, expired); undefined when it is not. */
function refusalOf(entity: ApiKeyEntity, now: number): string | undefined {
  if (entity.revokedAt) return 'the API key has been revoked';
  if (entity.expiresAt && entity.expiresAt.getTime() <= now) return 'the API key has expired';
  return undefined;
}
