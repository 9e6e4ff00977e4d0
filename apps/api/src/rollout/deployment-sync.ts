import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DatabaseNotifications } from '../database/notifications';
import { TrafficRouter } from '../inference/traffic-router';
import { DEPLOYMENTS_CHANNEL, DeploymentsRepository } from './deployments.repository';

/** Every deployment is read again this often, in case a notification was missed. */
const RESYNC_INTERVAL_MS = 30_000;

/**
 * Keeps this process's router in step with the deployments in Postgres. Each committed change is
 * announced with NOTIFY on `modelgate_deployments` (payload: the model name); every replica listens
 * and reads the changed deployment again, so all follow a change within a second. The router never
 * goes back to an older revision, so notifications arriving out of order do no harm. A periodic full
 * read, and one after a lost connection, repairs anything missed. With the embedded database (one
 * process), changes are applied where they are made.
 */
@Injectable()
export class DeploymentSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeploymentSync');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: DeploymentsRepository,
    private readonly router: TrafficRouter,
    private readonly notifications: DatabaseNotifications,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.notifications.subscribe(
      DEPLOYMENTS_CHANNEL,
      (modelName) => void this.reload(modelName).catch((error: Error) => this.logger.warn(`could not reload the deployment of "${modelName}": ${error.message}`)),
      () => void this.resync(),
    );
    await this.reloadAll();
    this.timer = setInterval(() => void this.resync(), RESYNC_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Reads one model's deployment again (after a notification). */
  async reload(modelName: string): Promise<void> {
    const state = await this.repository.find(modelName);
    if (state === undefined) this.router.remove(modelName);
    else this.router.apply(state);
  }

  /**
   * Applies every stored deployment (newer revisions only). A deployment disappears only with its
   * model, which the registry's own sync removes from the router.
   */
  async reloadAll(): Promise<void> {
    for (const state of await this.repository.findAll()) this.router.apply(state);
  }

  private async resync(): Promise<void> {
    try {
      await this.reloadAll();
    } catch (error) {
      this.logger.warn(`could not read the deployments again: ${(error as Error).message}`);
    }
  }
}
