import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One management change or login: who (`key:<id>`, `operator:<username>`, `system:<what>` or
 * `anonymous`), what (action and target), when, from where, and the change itself. Never secrets,
 * password or key material, nor prediction payloads.
 */
@Entity('audit_log')
@Index('ix_audit_log_actor', ['actor', 'id'])
@Index('ix_audit_log_action', ['action', 'id'])
@Index('ix_audit_log_target', ['target', 'id'])
export class AuditEntryEntity {
  /** Increasing: the order of the log and the paging cursor. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Index('ix_audit_log_at')
  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ type: 'varchar', length: 200 })
  actor!: string;

  /** e.g. `model.update`, `key.revoke`, `auth.login_failed`. */
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  /** e.g. `model:iris`, `version:iris/2`, `key:k7Hq2mZp9xRt`, `operator:alice`. */
  @Column({ type: 'varchar', length: 300 })
  target!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  changes!: Record<string, unknown>;
}
