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

export class V2InputParametersDto {
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

  @ApiPropertyOptional({ type: V2InputParametersDto })
  parameters?: V2InputParametersDto;

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

  @ApiPropertyOptional({ type: V2InputParametersDto, description: 'binary_data_size where the output follows the JSON header as raw bytes' })
  parameters?: V2InputParametersDto;

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
