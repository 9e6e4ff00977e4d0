import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollout: one deployment per model (its traffic routes, labels, shadow, fallback and progressive
 * plan, with a revision that every change bumps so that concurrent writers cannot overwrite each
 * other), and the history of every change with who made it, when and why.
 */
export class Rollout1764000000000 implements MigrationInterface {
  name = 'Rollout1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "deployments" (
        "model_id" uuid NOT NULL,
        "revision" integer NOT NULL,
        "routes" jsonb NOT NULL,
        "stable_version" integer,
        "canary_version" integer,
        "previous_stable_version" integer,
        "shadow" jsonb,
        "fallback" jsonb,
        "sticky" varchar(16) NOT NULL DEFAULT 'header',
        "plan" jsonb,
        "plan_state" jsonb,
        "updated_by" varchar(200),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_deployments" PRIMARY KEY ("model_id"),
        CONSTRAINT "fk_deployments_model" FOREIGN KEY ("model_id") REFERENCES "models" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE "rollout_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "model_id" uuid NOT NULL,
        "revision" integer NOT NULL,
        "at" timestamptz NOT NULL DEFAULT now(),
        "actor" varchar(200) NOT NULL,
        "action" varchar(40) NOT NULL,
        "reason" text,
        "deployment" jsonb NOT NULL,
        "details" jsonb,
        CONSTRAINT "pk_rollout_events" PRIMARY KEY ("id"),
        CONSTRAINT "fk_rollout_events_model" FOREIGN KEY ("model_id") REFERENCES "models" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_rollout_events_model_at" ON "rollout_events" ("model_id", "at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rollout_events"`);
    await queryRunner.query(`DROP TABLE "deployments"`);
  }
}
