import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Telemetry: latency rollups per version and minute (the charts and rollout gates), drift
 * baselines and hourly windows per version (counts and sums only: every counter column is added to
 * on write, so replicas writing the same minute or hour sum up), and the requests kept by payload
 * logging, which is off unless switched on per model and deletes what it keeps after a while.
 */
export class Telemetry1763900000000 implements MigrationInterface {
  name = 'Telemetry1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // latency_buckets: counts per bucket of the fixed bounds in apps/api/src/telemetry/series/latency-buckets.ts.
    await queryRunner.query(`
      CREATE TABLE "latency_rollups" (
        "model_name" varchar(63) NOT NULL,
        "version" integer NOT NULL,
        "minute" timestamptz NOT NULL,
        "requests" bigint NOT NULL,
        "errors" bigint NOT NULL,
        "latency_sum_ms" double precision NOT NULL,
        "latency_buckets" integer[] NOT NULL,
        CONSTRAINT "pk_latency_rollups" PRIMARY KEY ("model_name", "version", "minute")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_latency_rollups_minute" ON "latency_rollups" ("minute")`);
    await queryRunner.query(`
      CREATE TABLE "drift_baselines" (
        "version_id" uuid NOT NULL,
        "model_name" varchar(63) NOT NULL,
        "version" integer NOT NULL,
        "rows" integer NOT NULL,
        "features" jsonb NOT NULL,
        "started_at" timestamptz NOT NULL,
        "completed_at" timestamptz NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_drift_baselines" PRIMARY KEY ("version_id"),
        CONSTRAINT "fk_drift_baselines_version" FOREIGN KEY ("version_id") REFERENCES "model_versions" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE "drift_windows" (
        "version_id" uuid NOT NULL,
        "window_start" timestamptz NOT NULL,
        "rows" bigint NOT NULL,
        "sums" double precision[] NOT NULL,
        "sums_of_squares" double precision[] NOT NULL,
        "bin_counts" bigint[] NOT NULL,
        CONSTRAINT "pk_drift_windows" PRIMARY KEY ("version_id", "window_start"),
        CONSTRAINT "fk_drift_windows_baseline" FOREIGN KEY ("version_id") REFERENCES "drift_baselines" ("version_id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_drift_windows_window_start" ON "drift_windows" ("window_start")`);
    await queryRunner.query(`
      CREATE TABLE "payload_samples" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "version_id" uuid NOT NULL,
        "model_name" varchar(63) NOT NULL,
        "version" integer NOT NULL,
        "logged_at" timestamptz NOT NULL,
        "inputs" jsonb NOT NULL,
        "outputs" jsonb NOT NULL,
        CONSTRAINT "pk_payload_samples" PRIMARY KEY ("id"),
        CONSTRAINT "fk_payload_samples_version" FOREIGN KEY ("version_id") REFERENCES "model_versions" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_payload_samples_model_logged_at" ON "payload_samples" ("model_name", "logged_at")`);
    await queryRunner.query(`CREATE INDEX "ix_payload_samples_version_id" ON "payload_samples" ("version_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "payload_samples"`);
    await queryRunner.query(`DROP TABLE "drift_windows"`);
    await queryRunner.query(`DROP TABLE "drift_baselines"`);
    await queryRunner.query(`DROP TABLE "latency_rollups"`);
  }
}
