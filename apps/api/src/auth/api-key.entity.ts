import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity('api_keys')
@Unique('uq_api_keys_key_id', ['keyId'])
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The public part of the key (`mg_<keyId>_<secret>`), used to find the row. */
  @Column({ name: 'key_id', type: 'varchar', length: 32 })
  keyId!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  /** sha256 of the secret, hex. The secret itself is never stored. */
  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash!: string;

  /**
   * After a rotation, the hash of the replaced secret, accepted until `previousSecretExpiresAt`
   * (the grace period) so that clients can switch over without an outage.
   */
  @Column({ name: 'previous_secret_hash', type: 'char', length: 64, nullable: true })
  previousSecretHash!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  @Column({ type: 'text', array: true, nullable: true })
  models!: string[] | null;

  @Column({ name: 'rate_limit', type: 'jsonb', nullable: true })
  rateLimit!: { perSecond: number; burst: number } | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** `key:<keyId>`, `operator:<username>` or `bootstrap`: who created it (keys with the `keys` scope manage their own). */
  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
