import { Module } from '@nestjs/common';
import { TelemetryCoreModule } from '../telemetry/telemetry-core.module';
import { InferenceService } from './inference.service';
import { ModelServer } from './model-server.service';
import { TfServingController } from './tfserving.controller';
import { TrafficRouter } from './traffic-router';
import { V2Controller } from './v2.controller';

@Module({
  imports: [TelemetryCoreModule],
  controllers: [V2Controller, TfServingController],
  providers: [ModelServer, TrafficRouter, InferenceService],
  exports: [ModelServer, TrafficRouter, InferenceService],
})
export class InferenceModule {}
