import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Dashboard operators (scrypt password hashes, roles, login throttling) and their server-side sessions. */
export class OperatorsSessions1763800001000 implements MigrationInterface {
  name = 'OperatorsSessions1763800001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "operators" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "username" varchar(64) NOT NULL,
        "password_hash" text NOT NULL,
        "role" varchar(16) NOT NULL,
        "disabled_at" timestamptz,
        "failed_logins" integer NOT NULL DEFAULT 0,
        "last_failed_login_at" timestamptz,
        "locked_until" timestamptz,
        "last_login_at" timestamptz,
        "password_changed_at" timestamptz NOT NULL DEFAULT now(),
        "created_by" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "uq_operators_username" UNIQUE ("username"),
        CONSTRAINT "ck_operators_role" CHECK ("role" IN ('admin', 'operator', 'viewer'))
      )`);
    await queryRunner.query(`
      CREATE TABLE "sessions" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "token_hash" char(64) NOT NULL,
        "operator_id" uuid NOT NULL,
        "ip" varchar(64),
        "user_agent" varchar(256),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz,
        CONSTRAINT "uq_sessions_token_hash" UNIQUE ("token_hash"),
        CONSTRAINT "fk_sessions_operator" FOREIGN KEY ("operator_id") REFERENCES "operators" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_sessions_operator" ON "sessions" ("operator_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP TABLE "operators"`);
  }
}
