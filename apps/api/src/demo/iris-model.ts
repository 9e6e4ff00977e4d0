import { mlpModel } from '@modelgate/runtime';

export const DEMO_MODEL_NAME = 'iris';

/** The demo version's config: its classes named, for the classification extension. */
export const DEMO_VERSION_CONFIG = { classLabels: { probabilities: ['setosa', 'versicolor', 'virginica'] } };

/**
 * A small iris classifier, written by code rather than shipped as a file: inputs
 * [sepal length, sepal width, petal length, petal width] in cm, FP32 [-1, 4]; output softmax
 * probabilities of [setosa, versicolor, virginica]. The weights encode the textbook rule (short
 * petals: setosa; wide petals: virginica; otherwise versicolor), enough to answer sensibly.
 */
export function irisModel(): Uint8Array {
  return mlpModel({
    inputName: 'features',
    outputName: 'probabilities',
    producer: 'modelgate-demo',
    layers: [
      {
        weights: [
          [0, 0, 0],
          [0, 0, 0],
          [-3, 0, 0],
          [0, 0, 4],
        ],
        bias: [7.5, 0, -6.8],
        activation: 'linear',
      },
    ],
  });
}
