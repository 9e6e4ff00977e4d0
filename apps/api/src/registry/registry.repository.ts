import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, QueryFailedError } from 'typeorm';
import { ConflictError } from '../common/errors';
import { ModelEntity } from './model.entity';
import { ModelVersionEntity } from './model-version.entity';

export type NewModel = Pick<ModelEntity, 'name' | 'description' | 'task' | 'labels'>;
export type NewVersion = Omit<ModelVersionEntity, 'modelId' | 'version' | 'model' | 'createdAt' | 'updatedAt'>;
export type ModelPatch = Partial<Pick<ModelEntity, 'description' | 'task' | 'labels'>>;
export type VersionPatch = Partial<Pick<ModelVersionEntity, 'description' | 'config' | 'status' | 'statusDetail' | 'engine'>>;

const UNIQUE_VIOLATION = '23505';

/** All SQL of the registry: models and their versions. */
@Injectable()
export class RegistryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get models() {
    return this.dataSource.getRepository(ModelEntity);
  }

  private get versions() {
    return this.dataSource.getRepository(ModelVersionEntity);
  }

  async createModel(fields: NewModel): Promise<ModelEntity> {
    try {
      return await this.models.save(this.models.create(fields));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`a model named "${fields.name}" already exists; choose another name or upload a new version to it`);
      }
      throw error;
    }
  }

  findModel(name: string): Promise<ModelEntity | null> {
    return this.models.findOne({ where: { name } });
  }

  async listModelNames(): Promise<string[]> {
    const models = await this.models.find({ select: { name: true }, order: { name: 'ASC' } });
    return models.map((model) => model.name);
  }

  listModels(limit: number, offset: number, onlyNames: readonly string[] | null = null): Promise<[ModelEntity[], number]> {
    const where = onlyNames === null ? {} : { name: In([...onlyNames]) };
    return this.models.findAndCount({ where, order: { name: 'ASC' }, take: limit, skip: offset });
  }

  async updateModel(model: ModelEntity, patch: ModelPatch): Promise<ModelEntity> {
    return this.models.save(this.models.merge(model, patch));
  }

  /** Deletes the model; its versions go with it (ON DELETE CASCADE). */
  async deleteModel(model: ModelEntity): Promise<void> {
    await this.models.delete({ id: model.id });
  }

  /**
   * Inserts a version under the next number of its model. The counter is bumped atomically in
   * the same transaction, so concurrent uploads get distinct numbers and a failed insert does
   * not burn one.
   */
  async insertVersion(modelId: string, fields: NewVersion): Promise<ModelVersionEntity> {
    return this.dataSource.transaction(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE "models" SET "version_counter" = "version_counter" + 1, "updated_at" = now() WHERE "id" = $1 RETURNING "version_counter"`,
        [modelId],
      )) as [Array<{ version_counter: number }>, number];
      const version = rows[0]?.version_counter;
      if (version === undefined) throw new ConflictError('the model was deleted while the version was being uploaded');
      const repository = manager.getRepository(ModelVersionEntity);
      return repository.save(repository.create({ ...fields, modelId, version }));
    });
  }

  listVersions(modelId: string): Promise<ModelVersionEntity[]> {
    return this.versions.find({ where: { modelId }, order: { version: 'ASC' } });
  }

  findVersion(modelId: string, version: number): Promise<ModelVersionEntity | null> {
    return this.versions.findOne({ where: { modelId, version } });
  }

  async updateVersion(version: ModelVersionEntity, patch: VersionPatch): Promise<ModelVersionEntity> {
    return this.versions.save(this.versions.merge(version, patch));
  }

  async deleteVersion(version: ModelVersionEntity): Promise<void> {
    await this.versions.delete({ id: version.id });
  }

  /** How many versions (of any model) still use an artifact; the store keeps it while any do. */
  countVersionsUsingArtifact(sha256: string): Promise<number> {
    return this.versions.count({ where: { artifactSha256: sha256 } });
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === UNIQUE_VIOLATION;
}
