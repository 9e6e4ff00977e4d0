import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { TelemetryCoreModule } from '../../telemetry/telemetry-core.module';
import { TelemetryModule } from '../../telemetry/telemetry.module';
import { InferenceModule } from '../inference.module';
import { EndpointsController } from './endpoints.controller';
import { GrpcInference } from './grpc-inference';
import { GrpcServerMetrics } from './grpc-metrics';
import { GrpcServer } from './grpc-server.service';

/** The Open Inference Protocol's gRPC service, over the inference, auth and telemetry modules' services. */
@Module({
  imports: [AuthModule, InferenceModule, TelemetryModule, TelemetryCoreModule],
  controllers: [EndpointsController],
  providers: [GrpcInference, GrpcServerMetrics, GrpcServer],
  exports: [GrpcServer],
})
export class GrpcModule {}
