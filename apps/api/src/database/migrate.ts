import type { DataSource } from 'typeorm';

/** Any fixed number: the advisory lock that keeps two replicas from migrating at once. */
const MIGRATION_LOCK = 7_340_221_905;

/**
 * Applies pending migrations, each in its own transaction. On a shared Postgres, replicas that
 * start together wait on an advisory lock so exactly one applies each migration.
 */
export async function migrate(dataSource: DataSource, options: { lock: boolean }): Promise<string[]> {
  if (!options.lock) return (await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name);
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return (await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name);
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lockRunner.release();
  }
}
