import { migrations } from '@modelgate/migrations';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';

/**
 * The same options serve the app, `npm run migrate` and the tests. The schema is never
 * synchronized from the entities: it comes from migrations only. `pgcrypto` names the uuid default
 * the migrations use (gen_random_uuid(), built into Postgres 13+ and PGlite), and extension
 * installation is off because PGlite has none to install.
 */
export function dataSourceOptions(url: string, embedded: boolean): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations,
    migrationsRun: false,
    synchronize: false,
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    // Off: a failed query would print its parameters (key hashes, descriptions) to the log; failures
    // surface as exceptions, which the API maps to answers.
    logging: false,
    // PGlite executes one connection's statements at a time.
    extra: { max: embedded ? 1 : 10 },
  };
}
