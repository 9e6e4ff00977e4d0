/**
 * The Open Inference Protocol (KServe v2) bodies, for the OpenAPI document and the clients generated
 * from it. The data plane does not validate through these classes: its codecs read the bytes
 * themselves (docs/architecture.md, "Tensors off JSON") and answer 400 naming the field at fault.
 * Names are the protocol's, snake_case included.
 */
import { DATA_TYPES } from '@modelgate/runtime';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const DATATYPE = { enum: DATA_TYPES, enumName: 'V2Datatype', example: 'FP32', description: 'The tensor\'s element type' } as const;
/** Elements as JSON: flat in row-major order or nested by the shape; BYTES elements are strings. */
const TENSOR_DATA = {
  type: 'array',
  items: {},
  description:
    'The elements, flat in row-major order or nested as the shape nests them: numbers (booleans for BOOL, strings for BYTES). ' +
    'Absent where the tensor travels as binary data (parameters.binary_data_size).',
} as const;

/** A tensor's parameters, in a request's inputs and a response's outputs alike. */
export class V2TensorParametersDto {
  @ApiPropertyOptional({
    type: Number,
    example: 16,
    description: 'Binary tensor data extension: the tensor\'s bytes follow the JSON header (Inference-Header-Content-Length), this many, in input order',
  })
  binary_data_size?: number;
}

export class V2RequestInputDto {
  @ApiProperty({ type: String, example: 'features', description: 'An input of the model\'s signature' })
  name!: string;

  @ApiProperty({ type: [Number], example: [1, 4], description: 'The tensor\'s shape; the first dimension is usually the batch of rows' })
  shape!: number[];

  @ApiProperty(DATATYPE)
  datatype!: string;

  @ApiPropertyOptional({ type: V2TensorParametersDto })
  parameters?: V2TensorParametersDto;

  @ApiPropertyOptional({ ...TENSOR_DATA, example: [5.1, 3.5, 1.4, 0.2] })
  data?: unknown[];
}

export class V2OutputParametersDto {
  @ApiPropertyOptional({ type: Boolean, description: 'Binary tensor data extension: this output as raw bytes after the JSON header (overrides binary_data_output)' })
  binary_data?: boolean;

  @ApiPropertyOptional({
    type: Number,
    example: 2,
    description: 'Classification extension: the top k classes of this output, as BYTES "<value>:<index>[:<label>]" (labels from the version\'s config.classLabels)',
  })
  classification?: number;
}

export class V2RequestOutputDto {
  @ApiProperty({ type: String, example: 'probabilities', description: 'An output of the model\'s signature' })
  name!: string;

  @ApiPropertyOptional({ type: V2OutputParametersDto })
  parameters?: V2OutputParametersDto;
}

export class V2RequestParametersDto {
  @ApiPropertyOptional({ type: Boolean, description: 'Binary tensor data extension: every output as raw bytes after the JSON header' })
  binary_data_output?: boolean;

  @ApiPropertyOptional({
    type: Number,
    example: 50000,
    description: 'Deadline in microseconds (as Triton): it can only shorten the version\'s default; past it the answer is 504 and a queued request is not computed. Also the X-Request-Timeout-Ms header.',
  })
  timeout?: number;

  @ApiPropertyOptional({ enum: ['online', 'batch'], description: '"batch" waits while online requests are queued. Also the X-Request-Priority header.' })
  priority?: string;
}

export class V2InferenceRequestDto {
  @ApiPropertyOptional({ type: String, example: 'request-1', description: 'Echoed in the response' })
  id?: string;

  @ApiPropertyOptional({ type: V2RequestParametersDto })
  parameters?: V2RequestParametersDto;

  @ApiProperty({ type: [V2RequestInputDto], description: 'Every input of the model\'s signature, once' })
  inputs!: V2RequestInputDto[];

  @ApiPropertyOptional({ type: [V2RequestOutputDto], description: 'The outputs wanted, and how; all of them when absent' })
  outputs?: V2RequestOutputDto[];
}

export class V2ResponseOutputDto {
  @ApiProperty({ type: String, example: 'probabilities' })
  name!: string;

  @ApiProperty({ type: [Number], example: [1, 3] })
  shape!: number[];

  @ApiProperty(DATATYPE)
  datatype!: string;

  @ApiPropertyOptional({ type: V2TensorParametersDto, description: 'binary_data_size where the output follows the JSON header as raw bytes' })
  parameters?: V2TensorParametersDto;

  @ApiPropertyOptional({ ...TENSOR_DATA, example: [0.96, 0.04, 0] })
  data?: unknown[];
}

export class V2InferenceResponseDto {
  @ApiProperty({ type: String, example: 'iris' })
  model_name!: string;

  @ApiProperty({ type: String, example: '1', description: 'The version that answered (also the X-Model-Version header)' })
  model_version!: string;

  @ApiPropertyOptional({ type: String, example: 'request-1', description: 'The request\'s id, when it had one' })
  id?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Response parameters, when there are any' })
  parameters?: Record<string, unknown>;

  @ApiProperty({ type: [V2ResponseOutputDto] })
  outputs!: V2ResponseOutputDto[];
}

export class V2TensorMetadataDto {
  @ApiProperty({ type: String, example: 'features' })
  name!: string;

  @ApiProperty(DATATYPE)
  datatype!: string;

  @ApiProperty({ type: [Number], example: [-1, 4], description: '-1 marks a free dimension' })
  shape!: number[];
}

export class V2ModelMetadataDto {
  @ApiProperty({ type: String, example: 'iris' })
  name!: string;

  @ApiProperty({ type: [String], example: ['1'], description: 'The versions ready to answer' })
  versions!: string[];

  @ApiProperty({ type: String, example: 'onnxruntime_onnx', description: 'Triton\'s <framework>_<format> name (tfjs_graph_model and tfjs_layers_model for TF.js)' })
  platform!: string;

  @ApiProperty({ type: [V2TensorMetadataDto] })
  inputs!: V2TensorMetadataDto[];

  @ApiProperty({ type: [V2TensorMetadataDto] })
  outputs!: V2TensorMetadataDto[];
}

export class V2ServerMetadataDto {
  @ApiProperty({ type: String, example: 'modelgate' })
  name!: string;

  @ApiProperty({ type: String, example: '0.1.0' })
  version!: string;

  @ApiProperty({ type: [String], example: ['binary_tensor_data', 'classification', 'statistics', 'model_configuration'], description: 'The protocol extensions served, as Triton names them' })
  extensions!: string[];
}

export class V2ModelReadyDto {
  @ApiProperty({ type: String, example: 'iris' })
  name!: string;

  @ApiPropertyOptional({ type: String, example: '1', description: 'Present when the route names a version' })
  version?: string;

  @ApiProperty({ type: Boolean, example: true, description: 'A version can answer (the status is 503 when false)' })
  ready!: boolean;
}

/** Triton's statistics extension (codecs/v2.statistics.ts). */
export class V2DurationStatDto {
  @ApiProperty({ type: Number, example: 40 })
  count!: number;

  @ApiProperty({ type: Number, example: 9_800_000, description: 'Nanoseconds, summed' })
  ns!: number;
}

export class V2InferenceStatsDto {
  @ApiProperty({ type: V2DurationStatDto, description: 'Completed requests, from the queue to the answer' })
  success!: V2DurationStatDto;

  @ApiProperty({ type: V2DurationStatDto, description: 'Failed requests: engine errors, full queue, deadline passed' })
  fail!: V2DurationStatDto;

  @ApiProperty({ type: V2DurationStatDto, description: 'Time completed requests waited in the queue' })
  queue!: V2DurationStatDto;

  @ApiProperty({ type: V2DurationStatDto, description: 'Always 0: inputs are copied as part of the engine call' })
  compute_input!: V2DurationStatDto;

  @ApiProperty({ type: V2DurationStatDto, description: 'Engine time; each request counts its batch\'s call' })
  compute_infer!: V2DurationStatDto;

  @ApiProperty({ type: V2DurationStatDto, description: 'Always 0, as compute_input' })
  compute_output!: V2DurationStatDto;

  @ApiProperty({ type: V2DurationStatDto, description: 'Always 0: no response cache' })
  cache_hit!: V2DurationStatDto;
}

export class V2BatchStatDto {
  @ApiProperty({ type: Number, example: 8, description: 'Rows the engine calls joined' })
  batch_size!: number;

  @ApiProperty({ type: V2DurationStatDto })
  compute_input!: V2DurationStatDto;

  @ApiProperty({ type: V2DurationStatDto })
  compute_infer!: V2DurationStatDto;

  @ApiProperty({ type: V2DurationStatDto })
  compute_output!: V2DurationStatDto;
}

export class V2ModelStatDto {
  @ApiProperty({ type: String, example: 'iris' })
  name!: string;

  @ApiProperty({ type: String, example: '1' })
  version!: string;

  @ApiProperty({ type: Number, example: 1796601600000, description: 'When the last request completed, in ms since the epoch; 0 before the first' })
  last_inference!: number;

  @ApiProperty({ type: Number, example: 40, description: 'Rows of the completed requests' })
  inference_count!: number;

  @ApiProperty({ type: Number, example: 12, description: 'Engine calls' })
  execution_count!: number;

  @ApiProperty({ type: V2InferenceStatsDto })
  inference_stats!: V2InferenceStatsDto;

  @ApiProperty({ type: [V2BatchStatDto], description: 'Engine calls by the rows they joined' })
  batch_stats!: V2BatchStatDto[];
}

export class V2StatisticsDto {
  @ApiProperty({ type: [V2ModelStatDto], description: 'Since each version was last loaded in this process' })
  model_stats!: V2ModelStatDto[];
}

/** Triton's model configuration extension (codecs/v2.model-config.ts). */
export class V2TensorConfigDto {
  @ApiProperty({ type: String, example: 'features' })
  name!: string;

  @ApiProperty({ type: String, example: 'TYPE_FP32', description: 'Triton\'s type name (BYTES as TYPE_STRING)' })
  data_type!: string;

  @ApiProperty({ type: [Number], example: [4], description: 'The shape without the batch dimension where requests are joined; -1 is free' })
  dims!: number[];
}

export class V2SpecificVersionsDto {
  @ApiProperty({ type: [Number], example: [1] })
  versions!: number[];
}

export class V2VersionPolicyDto {
  @ApiProperty({ type: V2SpecificVersionsDto })
  specific!: V2SpecificVersionsDto;
}

export class V2QueuePolicyDto {
  @ApiProperty({ enum: ['REJECT'] })
  timeout_action!: string;

  @ApiProperty({ type: Number, example: 30_000_000, description: 'The version\'s defaultTimeoutMs, in microseconds' })
  default_timeout_microseconds!: number;

  @ApiProperty({ type: Boolean, example: true, description: 'A request may shorten it (parameters.timeout, X-Request-Timeout-Ms)' })
  allow_timeout_override!: boolean;

  @ApiProperty({ type: Number, example: 1024 })
  max_queue_size!: number;
}

export class V2DynamicBatchingDto {
  @ApiProperty({ type: Number, example: 1000 })
  max_queue_delay_microseconds!: number;

  @ApiProperty({ type: Boolean, example: false })
  preserve_ordering!: boolean;

  @ApiProperty({ type: Number, example: 2, description: 'online (1) and batch (2)' })
  priority_levels!: number;

  @ApiProperty({ type: Number, example: 1 })
  default_priority_level!: number;

  @ApiProperty({ type: V2QueuePolicyDto })
  default_queue_policy!: V2QueuePolicyDto;
}

export class V2InstanceGroupDto {
  @ApiProperty({ type: String, example: 'iris_0' })
  name!: string;

  @ApiProperty({ enum: ['KIND_CPU', 'KIND_GPU'] })
  kind!: string;

  @ApiProperty({ type: Number, example: 1 })
  count!: number;

  @ApiProperty({ type: [Number], example: [], description: 'GPU indices, for KIND_GPU' })
  gpus!: number[];
}

export class V2ModelConfigDto {
  @ApiProperty({ type: String, example: 'iris' })
  name!: string;

  @ApiProperty({ type: String, example: 'onnxruntime_onnx' })
  platform!: string;

  @ApiProperty({ type: String, example: 'onnxruntime' })
  backend!: string;

  @ApiProperty({ type: V2VersionPolicyDto })
  version_policy!: V2VersionPolicyDto;

  @ApiProperty({ type: Number, example: 32, description: '0 where requests are not joined along axis 0' })
  max_batch_size!: number;

  @ApiProperty({ type: [V2TensorConfigDto] })
  input!: V2TensorConfigDto[];

  @ApiProperty({ type: [V2TensorConfigDto] })
  output!: V2TensorConfigDto[];

  @ApiPropertyOptional({ type: V2DynamicBatchingDto, description: 'Present where requests are joined' })
  dynamic_batching?: V2DynamicBatchingDto;

  @ApiProperty({ type: [V2InstanceGroupDto] })
  instance_group!: V2InstanceGroupDto[];
}
