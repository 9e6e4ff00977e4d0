import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DATABASE_EMBEDDED } from './database-tokens';

const RECONNECT_DELAY_MS = 1_000;
/** Channel names are SQL identifiers here (LISTEN takes no parameter). */
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

interface Subscription {
  handle(payload: string): void;
  /** Called after a reconnect: what changed meanwhile was not announced, read it in full. */
  resync(): void;
}

/**
 * Postgres LISTEN/NOTIFY for the replicas of one deployment: one connection of its own per process
 * listens on every channel a service subscribes to, and reconnects (then asks each subscriber to
 * read its state in full) when the connection drops. With the embedded database there is one
 * process and one connection, so nothing listens: `enabled` is false and services apply their
 * changes where they make them.
 */
@Injectable()
export class DatabaseNotifications implements OnApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private readonly subscriptions = new Map<string, Subscription[]>();
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DATABASE_EMBEDDED) embedded: boolean,
  ) {
    this.enabled = !embedded;
  }

  readonly enabled: boolean;

  /** Listens on `channel` from now on; resolves once the listening connection has it. */
  async subscribe(channel: string, handle: (payload: string) => void, resync: () => void): Promise<void> {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name "${channel}"`);
    if (!this.enabled) return;
    const list = this.subscriptions.get(channel) ?? [];
    list.push({ handle, resync });
    this.subscriptions.set(channel, list);
    await this.connect();
    if (list.length === 1) await this.client?.query(`LISTEN ${channel}`).catch((error: Error) => this.lost(error));
  }

  /** Announces a change to every replica (this one included) once the current transaction, if any, commits. */
  async notify(channel: string, payload: string, transaction?: { query(sql: string, parameters: unknown[]): Promise<unknown> }): Promise<void> {
    if (!this.enabled) return;
    await (transaction ?? this.dataSource).query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.client !== undefined) return Promise.resolve();
    return (this.connecting ??= this.open().finally(() => (this.connecting = undefined)));
  }

  private async open(): Promise<void> {
    const client = new Client({ connectionString: (this.dataSource.options as { url?: string }).url });
    client.on('notification', (message) => {
      if (message.payload === undefined) return;
      for (const subscription of this.subscriptions.get(message.channel) ?? []) {
        try {
          subscription.handle(message.payload);
        } catch (error) {
          this.logger.warn(`a ${message.channel} notification could not be handled: ${(error as Error).message}`);
        }
      }
    });
    client.on('error', (error) => this.lost(error, client));
    client.on('end', () => this.lost(new Error('connection ended'), client));
    try {
      await client.connect();
      for (const channel of this.subscriptions.keys()) await client.query(`LISTEN ${channel}`);
      this.client = client;
    } catch (error) {
      this.lost(error as Error, client);
    }
  }

  private lost(error: Error, client = this.client): void {
    if (this.closed || this.reconnect !== undefined) return;
    this.logger.warn(`change notifications lost (${error.message}); reconnecting`);
    if (this.client === client) this.client = undefined;
    void client?.end().catch(() => undefined);
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      if (this.closed) return;
      void this.connect().then(() => {
        if (this.client === undefined) return;
        for (const list of this.subscriptions.values()) for (const subscription of list) subscription.resync();
      });
    }, RECONNECT_DELAY_MS);
    this.reconnect.unref();
  }
}
