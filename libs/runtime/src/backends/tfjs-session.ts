import type { NamedTensorMap, Tensor as TfTensor } from '@tensorflow/tfjs-core';
import { InferenceError, InputValidationError, ModelLoadError, RuntimeError } from '../errors';
import type { ModelSignature } from '../signature';
import type { NamedTensors } from '../tensor';
import type { Session } from './backend';
import type { TfjsEngine } from './tfjs-engine';
import {
  type TfjsBindingDraft,
  type TfjsSignature,
  type TfjsSignatureDraft,
  type TfjsTensorBinding,
  datatypeOf,
} from './tfjs-signature';
import { fromTfjsTensor, toTfjsValues } from './tfjs-tensors';

/** A loaded graph, layers or SavedModel, seen the same way by the session. */
export interface TfjsModelRunner {
  /** Feeds are keyed by `tensorName`; returns one tensor per output binding, in the same order. */
  execute(feeds: NamedTensorMap, outputs: readonly TfjsTensorBinding[]): Promise<TfTensor[]>;
  dispose(): void;
}

export class TfjsSession implements Session {
  readonly signature: ModelSignature;
  readonly engine: string;

  constructor(
    private readonly tfjs: TfjsEngine,
    private readonly bindings: TfjsSignature,
    private readonly runner: TfjsModelRunner,
  ) {
    const spec = ({ name, datatype, shape }: TfjsTensorBinding) => ({ name, datatype, shape });
    this.signature = { inputs: bindings.inputs.map(spec), outputs: bindings.outputs.map(spec) };
    this.engine = tfjs.description;
  }

  async run(inputs: NamedTensors): Promise<NamedTensors> {
    const { tf } = this.tfjs;
    const feeds: NamedTensorMap = {};
    let outputs: TfTensor[] = [];
    try {
      for (const binding of this.bindings.inputs) {
        const tensor = inputs[binding.name];
        if (tensor === undefined) throw new InputValidationError(`input '${binding.name}' is missing`, binding.name);
        feeds[binding.tensorName] = tf.tensor(toTfjsValues(tensor, binding), tensor.shape, binding.tfDtype);
      }
      outputs = await this.runner.execute(feeds, this.bindings.outputs);
      const result: NamedTensors = {};
      for (const [index, binding] of this.bindings.outputs.entries()) {
        result[binding.name] = await fromTfjsTensor(outputs[index], binding);
      }
      return result;
    } catch (error) {
      if (error instanceof RuntimeError) throw error;
      throw new InferenceError(`TF.js failed to run the model: ${(error as Error).message ?? String(error)}`);
    } finally {
      // An output may be an input passed through; dispose() skips what is already disposed.
      tf.dispose(Object.values(feeds));
      tf.dispose(outputs);
    }
  }

  async dispose(): Promise<void> {
    this.runner.dispose();
  }
}

/**
 * Fills in the output shapes a graph does not declare by running it twice on zeros, with every
 * free input dimension at 1 and then at 2: an output dimension that changes is free (-1), one that
 * stays is fixed. Dimensions that depend on the values rather than the shapes read as fixed, unless
 * zeros make them empty (Where, NonMaxSuppression). The measured TF.js dtype also corrects a
 * guessed datatype.
 */
export async function completeSignature(
  tfjs: TfjsEngine,
  draft: TfjsSignatureDraft,
  runner: TfjsModelRunner,
): Promise<TfjsSignature> {
  if (draft.outputs.every((output) => output.shape !== undefined)) {
    return { inputs: draft.inputs, outputs: draft.outputs as TfjsTensorBinding[] };
  }
  const provisional = draft.outputs.map((output) => ({ ...output, shape: output.shape ?? [] }));
  const feeds: NamedTensorMap[] = [];
  const results: TfTensor[][] = [];
  try {
    for (const freeSize of [1, 2]) {
      feeds.push(zeroFeeds(tfjs, draft.inputs, freeSize));
      results.push(await runner.execute(feeds[feeds.length - 1], provisional));
    }
    const [first, second] = results;
    return {
      inputs: draft.inputs,
      outputs: draft.outputs.map((output, index) => measuredOutput(output, first[index], second[index])),
    };
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    throw new ModelLoadError(
      `the graph does not declare its output shapes, and running it on zeros to measure them failed: ${(error as Error).message}`,
    );
  } finally {
    tfjs.tf.dispose(feeds.flatMap((feed) => Object.values(feed)));
    tfjs.tf.dispose(results.flat());
  }
}

function zeroFeeds(tfjs: TfjsEngine, inputs: readonly TfjsTensorBinding[], freeSize: number): NamedTensorMap {
  const feeds: NamedTensorMap = {};
  for (const input of inputs) {
    const shape = input.shape.map((dim) => (dim < 0 ? freeSize : dim));
    feeds[input.tensorName] =
      input.tfDtype === 'string'
        ? tfjs.tf.tensor(new Array<string>(shape.reduce((count, dim) => count * dim, 1)).fill(''), shape, 'string')
        : tfjs.tf.zeros(shape, input.tfDtype);
  }
  return feeds;
}

function measuredOutput(output: TfjsBindingDraft, first: TfTensor, second: TfTensor): TfjsTensorBinding {
  if (output.shape !== undefined) return { ...output, shape: output.shape };
  // A dimension that changed with the inputs is free; so is one that is 0 on zeros (e.g. Where).
  const shape = first.shape.map((dim, axis) =>
    first.rank === second.rank && second.shape[axis] === dim && dim !== 0 ? dim : -1,
  );
  // Keep a declared widening (INT64 computed as int32); otherwise believe what TF.js produced.
  const types = output.tfDtype === first.dtype ? output : datatypeOf(first.dtype, output.name);
  return { ...output, ...types, shape };
}
