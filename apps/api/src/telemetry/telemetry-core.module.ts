import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { DriftMonitor } from './drift/drift-monitor';
import { APP_LOGGER, closeLogger, loggerFor } from './logging/logger';
import { ServingMetrics } from './metrics/serving-metrics';
import { PayloadLog } from './payloads/payload-log';
import { PredictionSampler } from './prediction-sampler';
import { LatencySeries } from './series/latency-series';
import { VersionWindow } from './series/version-window';

/**
 * What the prediction path records into, with no dependency on it: Prometheus counters, the
 * per-minute series, drift and payload samples, the logger. The inference module imports this; the telemetry
 * module (HTTP routes, database, health) imports both.
 */
@Module({
  providers: [
    ServingMetrics,
    LatencySeries,
    VersionWindow,
    DriftMonitor,
    PayloadLog,
    PredictionSampler,
    { provide: APP_LOGGER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loggerFor(config) },
  ],
  exports: [ServingMetrics, LatencySeries, VersionWindow, DriftMonitor, PayloadLog, PredictionSampler, APP_LOGGER],
})
export class TelemetryCoreModule implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationShutdown(): void {
    closeLogger(this.config);
  }
}
