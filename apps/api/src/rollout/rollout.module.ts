import { Module } from '@nestjs/common';
import { Transactions } from '../database/transaction';
import { InferenceModule } from '../inference/inference.module';
import { RegistryModule } from '../registry/registry.module';
import { TelemetryCoreModule } from '../telemetry/telemetry-core.module';
import { DeploymentController, DeploymentsController } from './deployment.controller';
import { DeploymentMetrics } from './deployment-metrics';
import { DeploymentService } from './deployment.service';
import { DeploymentSync } from './deployment-sync';
import { DeploymentsRepository } from './deployments.repository';
import { PlanRunner } from './plan/plan-runner';
import { ShadowComparisonsRepository } from './shadow/shadow-comparisons.repository';
import { ShadowComparisonsService } from './shadow/shadow-comparisons.service';
import { ShadowController } from './shadow/shadow.controller';
import { ShadowSeries } from './shadow/shadow-series';
import { DEFAULT_SHADOW_LIMITS, SHADOW_LIMITS, ShadowService } from './shadow/shadow.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

/**
 * Rollout: deployments (traffic split, labels, sticky routing, shadow, fallback), promote and
 * rollback, progressive plans, and their history. The router that follows deployments on the
 * prediction path lives in the inference module; this module decides, stores and propagates.
 */
@Module({
  imports: [InferenceModule, RegistryModule, TelemetryCoreModule],
  controllers: [DeploymentController, DeploymentsController, ShadowController],
  providers: [
    Transactions,
    DeploymentsRepository,
    DeploymentService,
    DeploymentMetrics,
    DeploymentSync,
    PlanRunner,
    ShadowSeries,
    ShadowService,
    ShadowComparisonsRepository,
    ShadowComparisonsService,
    { provide: SHADOW_LIMITS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => ({ ...DEFAULT_SHADOW_LIMITS, maxInFlight: config.shadowMaxInFlight }) },
  ],
  exports: [DeploymentService],
})
export class RolloutModule {}
