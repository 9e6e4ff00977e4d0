import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module';
import { RegistryModule } from '../registry/registry.module';
import { DriftRepository } from './drift/drift.repository';
import { DriftService } from './drift/drift.service';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MetricsController } from './metrics.controller';
import { RuntimeCollectors } from './metrics/runtime-collectors';
import { PayloadsRepository } from './payloads/payloads.repository';
import { PayloadsService } from './payloads/payloads.service';
import { RequestTelemetry } from './request-telemetry';
import { LatencyRollupsRepository } from './series/latency-rollups.repository';
import { SeriesService } from './series/series.service';
import { TelemetryCoreModule } from './telemetry-core.module';
import { TelemetryController } from './telemetry.controller';
import { TelemetryService } from './telemetry.service';

/**
 * Health, /metrics, the per-model series and drift routes, and the request hooks. What the
 * prediction path records into lives in TelemetryCoreModule; this module stores it and serves it.
 */
@Module({
  imports: [TelemetryCoreModule, InferenceModule, RegistryModule],
  controllers: [HealthController, MetricsController, TelemetryController],
  providers: [
    HealthService,
    RequestTelemetry,
    RuntimeCollectors,
    LatencyRollupsRepository,
    SeriesService,
    DriftRepository,
    DriftService,
    PayloadsRepository,
    PayloadsService,
    TelemetryService,
  ],
  exports: [HealthService, TelemetryService, RequestTelemetry],
})
export class TelemetryModule {}
