import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batch inference jobs: a file of rows scored by one pinned model version in the background. The
 * row is the job's durable state (status, progress, which process holds it and until when); its
 * input and results are files under `<data>/jobs/<id>/`.
 */
export class InferenceJobs1764100000000 implements MigrationInterface {
  name = 'InferenceJobs1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "inference_jobs" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "model_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "status" varchar(16) NOT NULL,
        "input_format" varchar(8) NOT NULL,
        "input_filename" text,
        "input_bytes" bigint NOT NULL,
        "total_rows" integer NOT NULL,
        "processed_rows" integer NOT NULL DEFAULT 0,
        "failed_rows" integer NOT NULL DEFAULT 0,
        "error" text,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        "lease_owner" varchar(64),
        "lease_expires_at" timestamptz,
        "attempts" integer NOT NULL DEFAULT 0,
        CONSTRAINT "fk_inference_jobs_model" FOREIGN KEY ("model_id") REFERENCES "models" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_inference_jobs_status" CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
      )`);
    await queryRunner.query(`CREATE INDEX "ix_inference_jobs_status" ON "inference_jobs" ("status", "created_at")`);
    await queryRunner.query(`CREATE INDEX "ix_inference_jobs_created" ON "inference_jobs" ("created_at", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "inference_jobs"`);
  }
}
