import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module';
import { ModelsController } from './models.controller';
import { RegistryRepository } from './registry.repository';
import { RegistryService } from './registry.service';
import { VersionsController } from './versions.controller';

@Module({
  imports: [InferenceModule],
  controllers: [ModelsController, VersionsController],
  providers: [RegistryRepository, RegistryService],
  exports: [RegistryService],
})
export class RegistryModule {}
