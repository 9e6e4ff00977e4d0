import type { ModelSignature } from '@modelgate/runtime';
import { tfServingError, tfServingMetadata, tfServingModelStatus } from './tfserving.metadata';
import { platformFor, v2Error, v2ModelMetadata, v2ServerMetadata } from './v2.metadata';

const signature: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [
    { name: 'label', datatype: 'INT64', shape: [-1] },
    { name: 'name', datatype: 'BYTES', shape: [] },
  ],
};

describe('Open Inference Protocol metadata', () => {
  it('describes a model with string versions, its platform and tensor metadata', () => {
    expect(v2ModelMetadata({ name: 'iris', versions: [1, 2], platform: platformFor('onnx'), signature })).toEqual({
      name: 'iris',
      versions: ['1', '2'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'name', datatype: 'BYTES', shape: [] },
      ],
    });
  });

  it('names a platform for every model format', () => {
    expect(platformFor('tf-savedmodel')).toBe('tensorflow_savedmodel');
    expect(platformFor('tfjs-graph')).toBe('tfjs_graph_model');
    expect(platformFor('tfjs-layers')).toBe('tfjs_layers_model');
  });

  it('describes the server and errors', () => {
    expect(v2ServerMetadata('0.1.0')).toEqual({ name: 'modelgate', version: '0.1.0', extensions: [] });
    expect(v2Error('model "x" not found')).toEqual({ error: 'model "x" not found' });
  });
});

describe('TF Serving metadata', () => {
  it('reports version status as tensorflow_model_server does', () => {
    expect(
      tfServingModelStatus([
        { version: 2, state: 'AVAILABLE' },
        { version: 1, state: 'UNAVAILABLE', error: 'could not load model.onnx' },
        { version: 3, state: 'LOADING' },
      ]),
    ).toEqual({
      model_version_status: [
        { version: '2', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
        { version: '1', state: 'END', status: { error_code: 'UNKNOWN', error_message: 'could not load model.onnx' } },
        { version: '3', state: 'LOADING', status: { error_code: 'OK', error_message: '' } },
      ],
    });
  });

  it('reports the signature as a serving_default SignatureDef', () => {
    expect(tfServingMetadata('iris', 1, signature)).toEqual({
      model_spec: { name: 'iris', signature_name: '', version: '1' },
      metadata: {
        signature_def: {
          signature_def: {
            serving_default: {
              inputs: {
                x: {
                  dtype: 'DT_FLOAT',
                  tensor_shape: {
                    dim: [
                      { size: '-1', name: '' },
                      { size: '4', name: '' },
                    ],
                    unknown_rank: false,
                  },
                  name: 'x:0',
                },
              },
              outputs: {
                label: { dtype: 'DT_INT64', tensor_shape: { dim: [{ size: '-1', name: '' }], unknown_rank: false }, name: 'label:0' },
                name: { dtype: 'DT_STRING', tensor_shape: { dim: [], unknown_rank: false }, name: 'name:0' },
              },
              method_name: 'tensorflow/serving/predict',
            },
          },
        },
      },
    });
  });

  it('shapes errors as {"error": ...}', () => {
    expect(tfServingError('Servable not found for request: Latest(half)')).toEqual({
      error: 'Servable not found for request: Latest(half)',
    });
  });
});
