import { elementCount, formatShape, quoteGiven, type BatchingConfig, type Device, type ModelSignature } from '@modelgate/runtime';
import { BadRequestError } from '../common/errors';
import { quoteNames } from '../inference/codecs/describe';
import type { ServingOptions } from '../inference/model-server.service';

/**
 * How a version is served, stored with the version (`model_versions.config`). Fields left out
 * take the runtime's defaults when the version is loaded, so that changing a default reaches every
 * version that did not pin the value.
 */
export interface VersionConfig {
  /** Worker instances serving this version (Triton's instance group count). */
  instances?: number;
  /** Device each instance is pinned to. */
  device?: Device;
  /** Dynamic batching, the queue bound and the default deadline. */
  batching?: Partial<BatchingConfig>;
  /**
   * Whether each CPU instance of an ONNX model may split its threads into two lanes under load
   * (the runtime's LoadSpec.splitUnderLoad); false keeps one session per instance, and its memory.
   */
  splitUnderLoad?: boolean;
  /**
   * Whether a model fast enough runs on the HTTP thread, without a worker (the runtime's
   * LoadSpec.inline: ONNX, CPU, one instance, engine calls measured short at load). Off by default:
   * it halves the CPU a request costs at low load, but under load the compute then takes the HTTP
   * thread's time, and on the bench's MLP that cancels what it saves (docs/performance.md).
   */
  inline?: boolean;
  /**
   * Class names of classifying outputs, by output name, each list indexed by class: the
   * classification extension answers `<value>:<index>:<label>` with them. Does not reach the workers.
   */
  classLabels?: Record<string, string[]>;
}

export const VERSION_CONFIG_DEFAULTS = {
  instances: 1,
  device: 'cpu' as Device,
  splitUnderLoad: true,
  inline: false,
};

export function effectiveConfig(config: VersionConfig) {
  return {
    instances: config.instances ?? VERSION_CONFIG_DEFAULTS.instances,
    device: config.device ?? VERSION_CONFIG_DEFAULTS.device,
    batching: config.batching ?? {},
    splitUnderLoad: config.splitUnderLoad ?? VERSION_CONFIG_DEFAULTS.splitUnderLoad,
    inline: config.inline ?? VERSION_CONFIG_DEFAULTS.inline,
  };
}

/**
 * Merges a settings change into stored settings; `batching` merges field by field. Absent fields
 * keep their value; `classLabels` is replaced as a whole, and `{}` removes it.
 */
export function mergeConfig(stored: VersionConfig, change: VersionConfig): VersionConfig {
  const merged: VersionConfig = { ...stored, ...definedFields(change) };
  if (change.batching) merged.batching = { ...stored.batching, ...definedFields(change.batching) };
  if (merged.classLabels !== undefined && Object.keys(merged.classLabels).length === 0) delete merged.classLabels;
  return merged;
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/**
 * A version's stored settings as one comparable string: keys sorted at every level, since the
 * database (jsonb) gives them back in its own order.
 */
export function settingsOf(config: VersionConfig): string {
  return JSON.stringify(config ?? {}, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

/** What the serving side keeps of a version's config: its settings, to notice another replica's change, and its class names. */
export function servingOptionsOf(config: VersionConfig): ServingOptions {
  return { settings: settingsOf(config), classLabels: config.classLabels };
}

/**
 * Refuses (400) class labels that do not fit the model: an output it does not have or cannot rank,
 * or a list whose length differs from the output's classes where the signature fixes them.
 */
export function checkClassLabels(config: VersionConfig, signature: ModelSignature): void {
  for (const [name, labels] of Object.entries(config.classLabels ?? {})) {
    const output = signature.outputs.find((candidate) => candidate.name === name);
    if (output === undefined) {
      const names = quoteNames(signature.outputs.map((candidate) => candidate.name));
      throw new BadRequestError(`config.classLabels names output ${quoteGiven(name)}, which this model does not have; its outputs are ${names}`);
    }
    if (output.datatype === 'BYTES' || output.datatype === 'BOOL') {
      throw new BadRequestError(`config.classLabels: output "${name}" is ${output.datatype}, which has no classes to name; label a numeric output`);
    }
    const classAxes = output.shape.length >= 2 ? output.shape.slice(1) : output.shape;
    const classes = classAxes.includes(-1) ? undefined : elementCount(classAxes);
    if (classes !== undefined && labels.length !== classes) {
      throw new BadRequestError(
        `config.classLabels: output "${name}" has ${classes} classes (shape ${formatShape(output.shape)}) but ${labels.length} labels were given; give one per class, in index order`,
      );
    }
  }
}
