import { Injectable } from '@nestjs/common';
import type { NamedTensors } from '@modelgate/runtime';
import { DriftMonitor, type DriftSample, type DriftSubject } from './drift/drift-monitor';
import { PayloadLog, type PayloadCapture } from './payloads/payload-log';

/** What was copied from a request's inputs, waiting for its outputs. */
export interface PredictionSample {
  drift: DriftSample | undefined;
  payload: PayloadCapture | undefined;
}

/**
 * The prediction path's one call into drift and payload logging: `sample` before the inputs move
 * to a worker (which detaches them), `complete` with the outputs. Most requests are not sampled and
 * pay a map lookup and a random number.
 */
@Injectable()
export class PredictionSampler {
  constructor(
    private readonly drift: DriftMonitor,
    private readonly payloads: PayloadLog,
  ) {}

  sample(served: DriftSubject, inputs: NamedTensors): PredictionSample | undefined {
    const drift = this.drift.sample(served, inputs);
    const payload = this.payloads.enabled ? this.payloads.capture(served, inputs) : undefined;
    return drift === undefined && payload === undefined ? undefined : { drift, payload };
  }

  complete(sample: PredictionSample, outputs: NamedTensors): void {
    if (sample.drift !== undefined) this.drift.complete(sample.drift, outputs);
    if (sample.payload !== undefined) this.payloads.complete(sample.payload, outputs);
  }
}
