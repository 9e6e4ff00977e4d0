import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded database for `npm start` without DATABASE_URL: PGlite (Postgres compiled to WASM)
 * persisted under `<dataDir>/pgdata`, served over the Postgres wire protocol on a private loopback
 * port so that the same `pg` driver and migrations serve both modes. PGlite runs one connection's
 * statements at a time, so the app's pool is kept to a single connection in this mode.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly database: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const directory = join(dataDir, 'pgdata');
    await mkdir(directory, { recursive: true });
    const database = await PGlite.create({ dataDir: directory });
    const port = await findFreePort();
    const server = new PGLiteSocketServer({ db: database, host: '127.0.0.1', port, maxConnections: 4 });
    try {
      await server.start();
    } catch (error) {
      await database.close();
      throw error;
    }
    return new EmbeddedPostgres(database, server, `postgres://postgres@127.0.0.1:${port}/postgres`);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.database.close();
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
