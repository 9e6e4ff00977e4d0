import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { UnauthorizedError } from '../common/errors';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key-format';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';
import type { Principal } from './principal';

interface CachedKey {
  entity: ApiKeyEntity | null;
  fetchedAt: number;
}

/** A revoked or expired key stops working within this long on every replica. */
const CACHE_TTL_MS = 1000;
const CACHE_MAX_ENTRIES = 10_000;
const LAST_USED_FLUSH_MS = 10_000;
export const ADMIN_KEY_FILE = 'admin-key';

@Injectable()
export class ApiKeysService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly cache = new Map<string, CachedKey>();
  private readonly usedKeyIds = new Set<string>();
  private flushTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: ApiKeysRepository,
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

  /** Checks a presented key; the lookup is cached for a second so the hot path rarely reaches the database. */
  async authenticate(rawKey: string): Promise<Principal> {
    const parsed = parseApiKey(rawKey);
    if (!parsed) throw new UnauthorizedError('the API key is malformed: keys look like mg_<id>_<secret>');
    const entity = await this.lookup(parsed.keyId);
    if (!entity || !secretMatches(parsed.secret, entity.secretHash)) throw new UnauthorizedError('the API key is not valid');
    if (entity.revokedAt) throw new UnauthorizedError('the API key has been revoked');
    if (entity.expiresAt && entity.expiresAt.getTime() <= Date.now()) throw new UnauthorizedError('the API key has expired');
    this.usedKeyIds.add(entity.keyId);
    return { keyId: entity.keyId, name: entity.name, scopes: entity.scopes, models: entity.models };
  }

  private async lookup(keyId: string): Promise<ApiKeyEntity | null> {
    const now = Date.now();
    const cached = this.cache.get(keyId);
    if (cached && now - cached.fetchedAt < CACHE_TTL_MS) return cached.entity;
    const entity = await this.repository.findByKeyId(keyId);
    // Unknown ids are cached too, so a flood of made-up keys cannot hammer the database; the cap
    // keeps that flood from growing memory.
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(keyId, { entity, fetchedAt: now });
    return entity;
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
      } else if (existing.secretHash !== secretHash || existing.revokedAt) {
        await this.repository.setSecretHash(existing, secretHash);
      }
      return;
    }
    if ((await this.repository.countActive()) > 0) return;
    const generated = generateApiKey();
    await this.repository.insert({ ...adminKeyFields(), keyId: generated.keyId, secretHash: generated.secretHash });
    const file = join(this.config.dataDir, ADMIN_KEY_FILE);
    await writeFile(file, `${generated.key}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    process.stdout.write(
      `\n  Modelgate admin API key (shown once, saved to ${file}):\n\n    ${generated.key}\n\n` +
        `  Send it as "Authorization: Bearer <key>". Set MODELGATE_ADMIN_KEY to choose your own.\n\n`,
    );
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
