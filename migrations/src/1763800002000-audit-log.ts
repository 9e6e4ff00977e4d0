import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit log: who changed what, when, from where. */
export class AuditLog1763800002000 implements MigrationInterface {
  name = 'AuditLog1763800002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_log" (
        "id" BIGSERIAL PRIMARY KEY,
        "at" timestamptz NOT NULL DEFAULT now(),
        "actor" varchar(200) NOT NULL,
        "action" varchar(64) NOT NULL,
        "target" varchar(300) NOT NULL,
        "ip" varchar(64),
        "request_id" varchar(128),
        "changes" jsonb NOT NULL DEFAULT '{}'
      )`);
    await queryRunner.query(`CREATE INDEX "ix_audit_log_at" ON "audit_log" ("at")`);
    await queryRunner.query(`CREATE INDEX "ix_audit_log_actor" ON "audit_log" ("actor", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_audit_log_action" ON "audit_log" ("action", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_audit_log_target" ON "audit_log" ("target", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_log"`);
  }
}
