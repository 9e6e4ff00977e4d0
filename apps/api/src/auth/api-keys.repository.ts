import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

export type NewApiKey = Pick<ApiKeyEntity, 'keyId' | 'name' | 'secretHash' | 'scopes' | 'models' | 'rateLimit' | 'expiresAt' | 'createdBy'>;

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get keys() {
    return this.dataSource.getRepository(ApiKeyEntity);
  }

  findByKeyId(keyId: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOne({ where: { keyId } });
  }

  insert(fields: NewApiKey): Promise<ApiKeyEntity> {
    return this.keys.save(this.keys.create(fields));
  }

  async setSecretHash(key: ApiKeyEntity, secretHash: string): Promise<void> {
    await this.keys.update({ id: key.id }, { secretHash, revokedAt: null });
  }

  countActive(): Promise<number> {
    return this.keys.count({ where: { revokedAt: IsNull() } });
  }

  async touch(keyIds: string[], at: Date): Promise<void> {
    if (keyIds.length === 0) return;
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: at })
      .where('key_id IN (:...keyIds)', { keyIds })
      .execute();
  }
}
