import { Module } from '@nestjs/common';
import { InferenceService } from './inference.service';
import { ModelServer } from './model-server.service';
import { TfServingController } from './tfserving.controller';
import { V2Controller } from './v2.controller';

@Module({
  controllers: [V2Controller, TfServingController],
  providers: [ModelServer, InferenceService],
  exports: [ModelServer],
})
export class InferenceModule {}
