import { Module } from '@nestjs/common';
import { Transactions } from '../database/transaction';
import { InferenceModule } from '../inference/inference.module';
import { RegistryModule } from '../registry/registry.module';
import { DeploymentController } from './deployment.controller';
import { DeploymentService } from './deployment.service';
import { DeploymentSync } from './deployment-sync';
import { DeploymentsRepository } from './deployments.repository';

/**
 * Rollout: deployments (traffic split, labels, sticky routing, shadow, fallback), promote and
 * rollback, progressive plans, and their history. The router that follows deployments on the
 * prediction path lives in the inference module; this module decides, stores and propagates.
 */
@Module({
  imports: [InferenceModule, RegistryModule],
  controllers: [DeploymentController],
  providers: [Transactions, DeploymentsRepository, DeploymentService, DeploymentSync],
  exports: [DeploymentService],
})
export class RolloutModule {}
