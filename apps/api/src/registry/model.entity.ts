import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import type { ModelVersionEntity } from './model-version.entity';

@Entity('models')
@Unique('uq_models_name', ['name'])
export class ModelEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 63 })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  task!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  labels!: Record<string, string>;

  /** Last version number handed out; numbers are never reused, even after a delete. */
  @Column({ name: 'version_counter', type: 'integer', default: 0 })
  versionCounter!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany('ModelVersionEntity', (version: ModelVersionEntity) => version.model)
  versions?: ModelVersionEntity[];
}
