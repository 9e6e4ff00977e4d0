import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module';
import { DemoService } from './demo.service';

@Module({
  imports: [RegistryModule],
  providers: [DemoService],
  exports: [DemoService],
})
export class DemoModule {}
