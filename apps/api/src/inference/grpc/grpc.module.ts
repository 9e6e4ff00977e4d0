import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { TelemetryModule } from '../../telemetry/telemetry.module';
import { InferenceModule } from '../inference.module';
import { GrpcInference } from './grpc-inference';
import { GrpcServer } from './grpc-server.service';

/** The Open Inference Protocol's gRPC service, over the inference, auth and telemetry modules' services. */
@Module({
  imports: [AuthModule, InferenceModule, TelemetryModule],
  providers: [GrpcInference, GrpcServer],
  exports: [GrpcServer],
})
export class GrpcModule {}
