import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DATABASE_EMBEDDED } from '../database/database.module';
import { TrafficRouter } from '../inference/traffic-router';
import { DEPLOYMENTS_CHANNEL, DeploymentsRepository } from './deployments.repository';

/** Every deployment is read again this often, in case a notification was missed (a dropped connection). */
const RESYNC_INTERVAL_MS = 30_000;
const RECONNECT_DELAY_MS = 1_000;

/**
 * Keeps this process's router in step with the deployments in Postgres. Each committed change is
 * announced with NOTIFY on `modelgate_deployments`; every replica LISTENs on a connection of its own
 * and reads the changed deployment again, so all follow a change within a second. The embedded
 * database has a single connection and a single process: there, changes are applied where they are
 * made. A periodic full read repairs anything a lost connection missed.
 */
@Injectable()
export class DeploymentSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeploymentSync');
  private listener: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly repository: DeploymentsRepository,
    private readonly router: TrafficRouter,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DATABASE_EMBEDDED) private readonly embedded: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reloadAll();
    if (!this.embedded) await this.listen();
    this.timer = setInterval(() => void this.reloadAll().catch((error: Error) => this.logger.warn(`resync failed: ${error.message}`)), RESYNC_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.reconnect);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** Reads one model's deployment again (after a notification). */
  async reload(modelName: string): Promise<void> {
    const state = await this.repository.find(modelName);
    if (state === undefined) this.router.remove(modelName);
    else this.router.apply(state);
  }

  async reloadAll(): Promise<void> {
    const states = await this.repository.findAll();
    const present = new Set(states.map((state) => state.modelName));
    for (const state of states) this.router.apply(state);
    for (const followed of this.router.all()) if (!present.has(followed.modelName)) this.router.remove(followed.modelName);
  }

  private async listen(): Promise<void> {
    const url = (this.dataSource.options as { url?: string }).url;
    const client = new Client({ connectionString: url });
    client.on('notification', (message) => {
      if (message.channel !== DEPLOYMENTS_CHANNEL || !message.payload) return;
      this.reload(message.payload).catch((error: Error) => this.logger.warn(`could not reload the deployment of "${message.payload}": ${error.message}`));
    });
    client.on('error', (error) => {
      this.logger.warn(`deployment notifications lost (${error.message}); reconnecting`);
      this.scheduleReconnect(client);
    });
    client.on('end', () => this.scheduleReconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${DEPLOYMENTS_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn(`could not listen for deployment changes (${(error as Error).message}); retrying`);
      this.scheduleReconnect(client);
    }
  }

  private scheduleReconnect(client: Client): void {
    if (this.closed || this.reconnect !== undefined) return;
    if (this.listener === client) this.listener = undefined;
    void client.end().catch(() => undefined);
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      if (this.closed) return;
      // What changed while disconnected is read in full once listening again.
      void this.listen().then(() => this.reloadAll()).catch((error: Error) => this.logger.warn(`resync failed: ${error.message}`));
    }, RECONNECT_DELAY_MS);
    this.reconnect.unref();
  }
}
