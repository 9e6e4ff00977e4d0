import { Inject, Injectable } from '@nestjs/common';
import type { NamedTensors, Tensor } from '@modelgate/runtime';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import type { PayloadLogConfig } from '../../config/telemetry-config';
import { halfToNumber } from '../drift/drift-math';

/** Requests with more input elements than this are not kept (a kept request is a small JSON row). */
export const MAX_LOGGED_ELEMENTS = 4096;
/** Kept requests waiting for the flusher, at most (the oldest are dropped past it). */
const MAX_PENDING = 1000;

/** A tensor as kept: numbers (64-bit integers as strings, BYTES as base64); outputs past the limit keep only their shape. */
export interface LoggedTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: Array<number | string> | null;
}

export interface LoggedPayload {
  versionId: string;
  modelName: string;
  version: number;
  at: Date;
  inputs: LoggedTensor[];
  outputs: LoggedTensor[];
}

/** The copied inputs of a kept request, waiting for its outputs. */
export interface PayloadCapture {
  versionId: string;
  modelName: string;
  version: number;
  at: Date;
  inputs: LoggedTensor[];
}

function tensorData(tensor: Tensor): Array<number | string> {
  const data = tensor.data;
  switch (tensor.datatype) {
    case 'BYTES':
      return (data as Uint8Array[]).map((bytes) => Buffer.from(bytes).toString('base64'));
    case 'INT64':
    case 'UINT64':
      return Array.from(data as BigInt64Array, String);
    case 'FP16':
      return Array.from(data as Uint16Array, halfToNumber);
    default:
      return Array.from(data as Float32Array);
  }
}

function logged(tensors: NamedTensors, withData: boolean): LoggedTensor[] {
  return Object.entries(tensors).map(([name, tensor]) => ({
    name,
    datatype: tensor.datatype,
    shape: [...tensor.shape],
    data: withData ? tensorData(tensor) : null,
  }));
}

function elementCount(tensors: NamedTensors): number {
  let total = 0;
  for (const name of Object.keys(tensors)) total += tensors[name].data.length;
  return total;
}

/**
 * Payload logging: off unless MODELGATE_PAYLOAD_LOG_MODELS names the model. For those, a sample of
 * requests (MODELGATE_PAYLOAD_LOG_PERCENT) has its inputs copied before they move to a worker and
 * its outputs added after the answer; the flusher stores them and deletes them after
 * MODELGATE_PAYLOAD_LOG_HOURS. Requests over MAX_LOGGED_ELEMENTS inputs are never kept.
 */
@Injectable()
export class PayloadLog {
  private readonly config: PayloadLogConfig;
  private readonly models: ReadonlySet<string>;
  private readonly all: boolean;
  private pending: LoggedPayload[] = [];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.config = config.telemetry.payloads;
    this.models = new Set(this.config.models);
    this.all = this.models.has('*');
  }

  /** Whether any model's requests are kept. */
  get enabled(): boolean {
    return this.models.size > 0 && this.config.samplePercent > 0;
  }

  capture(served: { id: string; modelName: string; version: number }, inputs: NamedTensors): PayloadCapture | undefined {
    if (!this.all && !this.models.has(served.modelName)) return undefined;
    if (Math.random() * 100 >= this.config.samplePercent) return undefined;
    if (elementCount(inputs) > MAX_LOGGED_ELEMENTS) return undefined;
    return { versionId: served.id, modelName: served.modelName, version: served.version, at: new Date(), inputs: logged(inputs, true) };
  }

  complete(capture: PayloadCapture, outputs: NamedTensors): void {
    this.pending.push({ ...capture, outputs: logged(outputs, elementCount(outputs) <= MAX_LOGGED_ELEMENTS) });
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
  }

  /** Hands the kept requests to a flush. */
  take(): LoggedPayload[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** Gives back what a failed flush took (kept for the next try, within MAX_PENDING). */
  restore(payloads: LoggedPayload[]): void {
    this.pending = [...payloads, ...this.pending].slice(-MAX_PENDING);
  }
}
