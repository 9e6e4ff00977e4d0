import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Models, their versions, and API keys: the foundation's schema. */
export class InitialRegistry1763700000000 implements MigrationInterface {
  name = 'InitialRegistry1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "models" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "name" varchar(63) NOT NULL,
        "description" text NOT NULL DEFAULT '',
        "task" varchar(64),
        "labels" jsonb NOT NULL DEFAULT '{}',
        "version_counter" integer NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "uq_models_name" UNIQUE ("name")
      )`);
    await queryRunner.query(`
      CREATE TABLE "model_versions" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "model_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "format" varchar(32) NOT NULL,
        "artifact_sha256" char(64) NOT NULL,
        "artifact_size" bigint NOT NULL,
        "artifact_location" text NOT NULL,
        "original_filename" text,
        "signature" jsonb NOT NULL,
        "config" jsonb NOT NULL DEFAULT '{}',
        "status" varchar(16) NOT NULL,
        "status_detail" text,
        "engine" text,
        "description" text NOT NULL DEFAULT '',
        "created_by" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "uq_model_versions_model_version" UNIQUE ("model_id", "version"),
        CONSTRAINT "fk_model_versions_model" FOREIGN KEY ("model_id") REFERENCES "models" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_model_versions_status" CHECK ("status" IN ('validating', 'ready', 'failed', 'retired')),
        CONSTRAINT "ck_model_versions_version" CHECK ("version" > 0)
      )`);
    await queryRunner.query(`CREATE INDEX "ix_model_versions_sha256" ON "model_versions" ("artifact_sha256")`);
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "key_id" varchar(32) NOT NULL,
        "name" varchar(128) NOT NULL,
        "secret_hash" char(64) NOT NULL,
        "scopes" text[] NOT NULL,
        "models" text[],
        "rate_limit" jsonb,
        "expires_at" timestamptz,
        "last_used_at" timestamptz,
        "revoked_at" timestamptz,
        "created_by" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "uq_api_keys_key_id" UNIQUE ("key_id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP TABLE "model_versions"`);
    await queryRunner.query(`DROP TABLE "models"`);
  }
}
