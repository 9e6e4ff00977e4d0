import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Key rotation: the replaced secret's hash stays valid until the end of a grace period. */
export class ApiKeyRotation1763800000000 implements MigrationInterface {
  name = 'ApiKeyRotation1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "previous_secret_hash" char(64)`);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "previous_secret_expires_at" timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "previous_secret_expires_at"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "previous_secret_hash"`);
  }
}
