import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import type { Transaction } from '../database/transaction';
import { ApiKeyEntity } from './api-key.entity';

export type NewApiKey = Pick<ApiKeyEntity, 'keyId' | 'name' | 'secretHash' | 'scopes' | 'models' | 'rateLimit' | 'expiresAt' | 'createdBy'>;

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private keys(transaction?: Transaction) {
    return (transaction ?? this.dataSource.manager).getRepository(ApiKeyEntity);
  }

  findByKeyId(keyId: string, transaction?: Transaction): Promise<ApiKeyEntity | null> {
    return this.keys(transaction).findOne({ where: { keyId } });
  }

  /** The row, locked until the transaction ends, so that two rotations cannot interleave. */
  findForUpdate(keyId: string, transaction: Transaction): Promise<ApiKeyEntity | null> {
    return this.keys(transaction).findOne({ where: { keyId }, lock: { mode: 'pessimistic_write' } });
  }

  insert(fields: NewApiKey, transaction?: Transaction): Promise<ApiKeyEntity> {
    const keys = this.keys(transaction);
    return keys.save(keys.create({ ...fields, previousSecretHash: null, previousSecretExpiresAt: null }));
  }

  /** Newest first; `createdBy` limits the list to the keys one credential created. */
  list(options: { createdBy?: string; limit: number; offset: number }): Promise<[ApiKeyEntity[], number]> {
    return this.keys().findAndCount({
      where: options.createdBy === undefined ? {} : { createdBy: options.createdBy },
      order: { createdAt: 'DESC', keyId: 'ASC' },
      take: options.limit,
      skip: options.offset,
    });
  }

  async setSecretHash(key: ApiKeyEntity, secretHash: string): Promise<void> {
    await this.keys().update({ id: key.id }, { secretHash, revokedAt: null, previousSecretHash: null, previousSecretExpiresAt: null });
  }

  async revoke(key: ApiKeyEntity, at: Date, transaction: Transaction): Promise<void> {
    await this.keys(transaction).update({ id: key.id }, { revokedAt: at, previousSecretHash: null, previousSecretExpiresAt: null });
  }

  async rotate(key: ApiKeyEntity, secretHash: string, previousUntil: Date | null, transaction: Transaction): Promise<ApiKeyEntity> {
    const keys = this.keys(transaction);
    const previous = previousUntil ? { previousSecretHash: key.secretHash, previousSecretExpiresAt: previousUntil } : { previousSecretHash: null, previousSecretExpiresAt: null };
    await keys.update({ id: key.id }, { secretHash, ...previous });
    return (await keys.findOne({ where: { id: key.id } }))!;
  }

  countActive(): Promise<number> {
    return this.keys().count({ where: { revokedAt: IsNull() } });
  }

  async touch(keyIds: string[], at: Date): Promise<void> {
    if (keyIds.length === 0) return;
    await this.keys()
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: at })
      .where('key_id IN (:...keyIds)', { keyIds })
      .execute();
  }
}
