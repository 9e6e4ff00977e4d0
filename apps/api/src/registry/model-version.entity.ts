import type { ModelFormat, ModelSignature } from '@modelgate/runtime';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { ModelEntity } from './model.entity';
import type { VersionConfig } from './version-config';

export type VersionStatus = 'validating' | 'ready' | 'failed' | 'retired';

@Entity('model_versions')
@Unique('uq_model_versions_model_version', ['modelId', 'version'])
@Check('ck_model_versions_status', `"status" IN ('validating', 'ready', 'failed', 'retired')`)
@Check('ck_model_versions_version', `"version" > 0`)
export class ModelVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId!: string;

  @ManyToOne(() => ModelEntity, (model) => model.versions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'model_id', foreignKeyConstraintName: 'fk_model_versions_model' })
  model?: ModelEntity;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 32 })
  format!: ModelFormat;

  @Index('ix_model_versions_sha256')
  @Column({ name: 'artifact_sha256', type: 'char', length: 64 })
  artifactSha256!: string;

  /** bigint arrives from `pg` as a string; the transformer keeps it a number (files < 2^53 bytes). */
  @Column({
    name: 'artifact_size',
    type: 'bigint',
    transformer: { to: (value: number) => value, from: (value: string) => Number(value) },
  })
  artifactSize!: number;

  @Column({ name: 'artifact_location', type: 'text' })
  artifactLocation!: string;

  @Column({ name: 'original_filename', type: 'text', nullable: true })
  originalFilename!: string | null;

  @Column({ type: 'jsonb' })
  signature!: ModelSignature;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  config!: VersionConfig;

  @Column({ type: 'varchar', length: 16 })
  status!: VersionStatus;

  @Column({ name: 'status_detail', type: 'text', nullable: true })
  statusDetail!: string | null;

  @Column({ type: 'text', nullable: true })
  engine!: string | null;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
