import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { RegistryService } from '../registry/registry.service';
import { DEMO_MODEL_NAME, DEMO_VERSION_CONFIG, irisModel } from './iris-model';

/** Registers the demo model on an empty registry, so that a first start has something to call. */
@Injectable()
export class DemoService {
  private readonly logger = new Logger(DemoService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: RegistryService,
  ) {}

  async seedIfEmpty(): Promise<void> {
    if (!this.config.demo) return;
    const { total } = await this.registry.listModels(1, 0);
    if (total > 0) return;
    await this.registry.createModel({
      name: DEMO_MODEL_NAME,
      description: 'Demo: iris species from sepal and petal sizes in cm (setosa, versicolor, virginica)',
      task: 'classification',
      labels: { demo: 'true' },
    });
    const file = Buffer.from(irisModel());
    await this.registry.uploadVersion(
      DEMO_MODEL_NAME,
      (async function* () {
        yield { kind: 'field' as const, fieldname: 'config', value: JSON.stringify(DEMO_VERSION_CONFIG) };
        yield { kind: 'file' as const, fieldname: 'file', filename: 'iris.onnx', stream: Readable.from([file]) };
      })(),
      'demo',
    );
    this.logger.log(`registered the demo model "${DEMO_MODEL_NAME}" (set MODELGATE_DEMO=false to skip)`);
  }
}
