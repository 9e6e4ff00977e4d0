import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from './embedded-postgres';

/** The embedded database (PGlite through pglite-socket), started on real folders: a first start runs initdb, seconds here. */
describe('EmbeddedPostgres', () => {
  let dataDir: string;
  let database: EmbeddedPostgres | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'modelgate-embedded-'));
  });
  afterEach(async () => {
    await database?.stop();
    database = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  async function query(sql: string): Promise<unknown[]> {
    const client = new Client({ connectionString: database!.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('initialises a new directory, leaves no partial folder, and finds its data again after a restart', async () => {
    database = await EmbeddedPostgres.start(dataDir);
    expect(existsSync(join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'pgdata.partial'))).toBe(false);
    await query('CREATE TABLE kept (note text)');
    await query("INSERT INTO kept VALUES ('still here')");
    await database.stop();

    database = await EmbeddedPostgres.start(dataDir);
    expect(await query('SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
  }, 60_000);

  it('starts afresh over what a first start stopped halfway left', async () => {
    // An interrupted first start: the database half-written in the partial folder, pgdata empty.
    await mkdir(join(dataDir, 'pgdata'), { recursive: true });
    await mkdir(join(dataDir, 'pgdata.partial', 'base'), { recursive: true });
    await writeFile(join(dataDir, 'pgdata.partial', 'PG_VERSION'), '17\n');
    database = await EmbeddedPostgres.start(dataDir);
    expect(await query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(existsSync(join(dataDir, 'pgdata.partial'))).toBe(false);
  }, 60_000);
});
