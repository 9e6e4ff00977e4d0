import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { GrpcModule } from './inference/grpc/grpc.module';
import { InferenceModule } from './inference/inference.module';
import { JobsModule } from './jobs/jobs.module';
import { RegistryModule } from './registry/registry.module';
import { RolloutModule } from './rollout/rollout.module';
import { TelemetryModule } from './telemetry/telemetry.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string, embeddedDatabase: boolean): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl, embeddedDatabase),
        AuditModule,
        AuthModule,
        InferenceModule,
        GrpcModule,
        RegistryModule,
        RolloutModule,
        JobsModule,
        TelemetryModule,
        DemoModule,
      ],
    };
  }
}
