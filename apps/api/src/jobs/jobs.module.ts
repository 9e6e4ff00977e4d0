import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transaction';
import { InferenceModule } from '../inference/inference.module';
import { TelemetryCoreModule } from '../telemetry/telemetry-core.module';
import { JobFiles } from './job-files';
import { JobRunner } from './job-runner';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';

/** Batch jobs: files of rows scored in the background by a pinned version, with durable progress in Postgres. */
@Module({
  imports: [InferenceModule, TelemetryCoreModule],
  controllers: [JobsController],
  providers: [
    JobsRepository,
    JobsService,
    JobRunner,
    Transactions,
    { provide: JobFiles, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new JobFiles(config.dataDir) },
  ],
})
export class JobsModule {}
