import { type OnnxInitializer, type OnnxNode, buildOnnxModel } from './onnx-model';

/** One fully connected layer: `activation(x · weights + bias)`. */
export interface DenseLayer {
  /** [inputUnits][outputUnits], as Keras stores a Dense kernel. */
  weights: readonly (readonly number[])[];
  bias: readonly number[];
  /** Hidden layers default to 'relu', the last layer to 'linear'. */
  activation?: 'relu' | 'linear';
}

export interface MlpOptions {
  layers: readonly DenseLayer[];
  inputName?: string;
  /** 'probabilities' with softmax, 'logits' without, unless named here. */
  outputName?: string;
  /** Softmax over the last layer's outputs; true when left out. */
  softmax?: boolean;
  opset?: number;
  producer?: string;
}

/**
 * A multilayer perceptron as an ONNX model: input FP32 [-1, inputUnits] (free batch) through
 * MatMul + Add (+ Relu) per layer to FP32 [-1, outputUnits], with an optional final Softmax.
 */
export function mlpModel(options: MlpOptions): Uint8Array {
  const { layers, inputName = 'x', softmax = true } = options;
  const outputName = options.outputName ?? (softmax ? 'probabilities' : 'logits');
  checkLayerSizes(layers);

  const initializers: OnnxInitializer[] = [];
  const nodes: OnnxNode[] = [];
  let current = inputName;
  layers.forEach((layer, index) => {
    const prefix = `dense${index}`;
    const isLast = index === layers.length - 1;
    const layerOutput = isLast && !softmax ? outputName : `${prefix}_output`;
    const relu = (layer.activation ?? (isLast ? 'linear' : 'relu')) === 'relu';
    initializers.push(
      { name: `${prefix}_kernel`, datatype: 'FP32', shape: [layer.weights.length, layer.bias.length], data: new Float32Array(layer.weights.flat()) },
      { name: `${prefix}_bias`, datatype: 'FP32', shape: [layer.bias.length], data: new Float32Array(layer.bias) },
    );
    nodes.push(
      { opType: 'MatMul', inputs: [current, `${prefix}_kernel`], outputs: [`${prefix}_matmul`] },
      { opType: 'Add', inputs: [`${prefix}_matmul`, `${prefix}_bias`], outputs: [relu ? `${prefix}_biased` : layerOutput] },
    );
    if (relu) nodes.push({ opType: 'Relu', inputs: [`${prefix}_biased`], outputs: [layerOutput] });
    current = layerOutput;
  });
  if (softmax) nodes.push({ opType: 'Softmax', inputs: [current], outputs: [outputName], attributes: { axis: -1 } });

  const inputUnits = layers[0].weights.length;
  const outputUnits = layers[layers.length - 1].bias.length;
  return buildOnnxModel({
    opset: options.opset,
    producer: options.producer,
    inputs: [{ name: inputName, datatype: 'FP32', shape: [-1, inputUnits] }],
    outputs: [{ name: outputName, datatype: 'FP32', shape: [-1, outputUnits] }],
    initializers,
    nodes,
  });
}

/** What `mlpModel` computes, in plain JS (float64): one output row per input row. */
export function mlpReference(
  layers: readonly DenseLayer[],
  rows: readonly (readonly number[])[],
  softmax = true,
): number[][] {
  return rows.map((row) => {
    let values = [...row];
    layers.forEach((layer, index) => {
      const isLast = index === layers.length - 1;
      const activation = layer.activation ?? (isLast ? 'linear' : 'relu');
      values = layer.bias.map((bias, unit) => {
        const sum = values.reduce((total, value, input) => total + value * layer.weights[input][unit], bias);
        return activation === 'relu' ? Math.max(0, sum) : sum;
      });
    });
    return softmax ? softmaxOf(values) : values;
  });
}

export function softmaxOf(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((value) => Math.exp(value - max));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

function checkLayerSizes(layers: readonly DenseLayer[]): void {
  if (layers.length === 0) throw new Error('an MLP needs at least one layer');
  layers.forEach((layer, index) => {
    const units = layer.bias.length;
    if (layer.weights.some((row) => row.length !== units)) {
      throw new Error(`layer ${index}: every weights row needs ${units} columns (the bias length)`);
    }
    const previousUnits = index === 0 ? undefined : layers[index - 1].bias.length;
    if (previousUnits !== undefined && layer.weights.length !== previousUnits) {
      throw new Error(`layer ${index}: weights need ${previousUnits} rows (the previous layer's units)`);
    }
  });
}
