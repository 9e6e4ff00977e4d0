import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../apps/api/src/database/data-source-options';
import { migrate } from '../apps/api/src/database/migrate';
import { startServer, type TestServer } from './support/server';

describe('migrations', () => {
  let server: TestServer;
  let dataSource: DataSource;

  beforeAll(async () => {
    // The server migrated an empty database at start; a second connection inspects the result.
    server = await startServer();
    const embedded = !process.env.DATABASE_URL;
    if (embedded) {
      // PGlite serves one connection at a time: stop the app's pool from holding it meanwhile.
      await server.modelgate.app.close();
    }
    dataSource = new DataSource(dataSourceOptions(server.databaseUrl, embedded));
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    if (process.env.DATABASE_URL) await server?.close();
    else await server?.modelgate.close().catch(() => undefined);
  });

  it('leaves nothing pending and the entities need no further schema change', async () => {
    await dataSource.initialize();
    expect(await dataSource.showMigrations()).toBe(false);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('rolls every migration back and applies it again', async () => {
    if (!dataSource.isInitialized) await dataSource.initialize();
    const count = dataSource.migrations.length;
    for (let index = 0; index < count; index += 1) await dataSource.undoLastMigration({ transaction: 'each' });
    const tables = await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`);
    expect(tables).toEqual([]);
    const applied = await migrate(dataSource, { lock: false });
    expect(applied).toHaveLength(count);
    expect(await dataSource.showMigrations()).toBe(false);
  });
});
