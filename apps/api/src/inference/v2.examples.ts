/** Examples for the OpenAPI document, matching the demo model. */
export const V2_INFER_REQUEST_EXAMPLE = {
  id: 'request-1',
  inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }],
};

export const V2_INFER_RESPONSE_EXAMPLE = {
  model_name: 'iris',
  model_version: '1',
  id: 'request-1',
  outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [1, 3], data: [0.96, 0.04, 0.0] }],
};

/** The classification extension: the demo model's top two classes, named by its classLabels. */
export const V2_CLASSIFY_REQUEST_EXAMPLE = {
  inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }],
  outputs: [{ name: 'probabilities', parameters: { classification: 2 } }],
};

export const V2_CLASSIFY_RESPONSE_EXAMPLE = {
  model_name: 'iris',
  model_version: '1',
  outputs: [{ name: 'probabilities', datatype: 'BYTES', shape: [1, 2], data: ['0.96434385:0:setosa', '0.035568047:1:versicolor'] }],
};

/** Triton's statistics extension: the demo model after 40 requests, 32 of them joined into 4 engine calls. */
export const V2_STATISTICS_EXAMPLE = {
  model_stats: [
    {
      name: 'iris',
      version: '1',
      last_inference: 1796601600000,
      inference_count: 40,
      execution_count: 12,
      inference_stats: {
        success: { count: 40, ns: 21_400_000 },
        fail: { count: 0, ns: 0 },
        queue: { count: 40, ns: 9_800_000 },
        compute_input: { count: 40, ns: 0 },
        compute_infer: { count: 40, ns: 11_600_000 },
        compute_output: { count: 40, ns: 0 },
        cache_hit: { count: 0, ns: 0 },
      },
      batch_stats: [
        { batch_size: 1, compute_input: { count: 8, ns: 0 }, compute_infer: { count: 8, ns: 2_000_000 }, compute_output: { count: 8, ns: 0 } },
        { batch_size: 8, compute_input: { count: 4, ns: 0 }, compute_infer: { count: 4, ns: 1_200_000 }, compute_output: { count: 4, ns: 0 } },
      ],
    },
  ],
};

/** Triton's model configuration extension: the demo model as it serves by default. */
export const V2_MODEL_CONFIG_EXAMPLE = {
  name: 'iris',
  platform: 'onnxruntime_onnx',
  backend: 'onnxruntime',
  version_policy: { specific: { versions: [1] } },
  max_batch_size: 32,
  input: [{ name: 'features', data_type: 'TYPE_FP32', dims: [4] }],
  output: [{ name: 'probabilities', data_type: 'TYPE_FP32', dims: [3] }],
  instance_group: [{ name: 'iris_0', kind: 'KIND_CPU', count: 1, gpus: [] }],
  dynamic_batching: {
    max_queue_delay_microseconds: 1000,
    preserve_ordering: false,
    priority_levels: 2,
    default_priority_level: 1,
    default_queue_policy: { timeout_action: 'REJECT', default_timeout_microseconds: 30_000_000, allow_timeout_override: true, max_queue_size: 1024 },
  },
};

/** The sticky-routing header, as the OpenAPI document describes it on the routed prediction routes. */
export const ROUTING_KEY_DOC = {
  name: 'X-Routing-Key',
  required: false,
  description: 'A client or session id: while the deployment\'s weights stay the same, the same key gets the same version (sticky routing).',
};

/** The headers every prediction route reads, as the OpenAPI document describes them. */
export const PREDICTION_HEADER_DOCS = [
  {
    name: 'X-Request-Timeout-Ms',
    required: false,
    description:
      "Milliseconds (1 to 3600000) this request may take; it can only shorten the version's default deadline. Past it the answer is 504 and, if still queued, the request is never computed.",
  },
  {
    name: 'X-Request-Priority',
    required: false,
    enum: ['online', 'batch'],
    description: '"online" (the default), or "batch" for bulk work: a batch request waits while online requests for the same version are queued.',
  },
];
