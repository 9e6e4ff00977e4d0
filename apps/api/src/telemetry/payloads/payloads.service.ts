import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import type { PayloadLogConfig } from '../../config/telemetry-config';
import { PayloadLog } from './payload-log';
import { PayloadsRepository, type StoredPayload } from './payloads.repository';

const HOUR_MS = 3_600_000;

/** Stores the requests PayloadLog kept, reads them back within their retention, deletes them after. */
@Injectable()
export class PayloadsService {
  private readonly config: PayloadLogConfig;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly log: PayloadLog,
    private readonly repository: PayloadsRepository,
  ) {
    this.config = config.telemetry.payloads;
  }

  async flush(): Promise<void> {
    const payloads = this.log.take();
    try {
      await this.repository.add(payloads);
    } catch (error) {
      this.log.restore(payloads);
      throw error;
    }
  }

  /** The newest kept requests of a model, never older than the retention (even before deletion runs). */
  latest(modelName: string, limit: number, now = Date.now()): Promise<StoredPayload[]> {
    return this.repository.latest(modelName, new Date(now - this.config.retentionHours * HOUR_MS), limit);
  }

  deleteExpired(now = Date.now()): Promise<number> {
    return this.repository.deleteBefore(new Date(now - this.config.retentionHours * HOUR_MS));
  }
}
