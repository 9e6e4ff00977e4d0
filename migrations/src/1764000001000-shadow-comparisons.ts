import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shadow comparisons: per model, primary version, shadow version and minute, how the shadow's
 * answers compared with those the clients got (requests, classifier rows and how many agreed, numeric
 * values with the sum and the largest absolute difference) and the copies that failed or were
 * dropped. Counts and sums, added to on write (the maximum keeps the larger), so replicas sum up.
 */
export class ShadowComparisons1764000001000 implements MigrationInterface {
  name = 'ShadowComparisons1764000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "shadow_comparisons" (
        "model_name" varchar(63) NOT NULL,
        "primary_version" integer NOT NULL,
        "shadow_version" integer NOT NULL,
        "minute" timestamptz NOT NULL,
        "compared_requests" bigint NOT NULL,
        "compared_rows" bigint NOT NULL,
        "agreeing_rows" bigint NOT NULL,
        "compared_values" bigint NOT NULL,
        "abs_diff_sum" double precision NOT NULL,
        "abs_diff_max" double precision NOT NULL,
        "shadow_errors" bigint NOT NULL,
        "dropped" bigint NOT NULL,
        CONSTRAINT "pk_shadow_comparisons" PRIMARY KEY ("model_name", "primary_version", "shadow_version", "minute")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_shadow_comparisons_minute" ON "shadow_comparisons" ("minute")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "shadow_comparisons"`);
  }
}
