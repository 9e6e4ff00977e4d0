/**
 * TensorFlow Serving's REST bodies, for the OpenAPI document and generated clients (the codecs read
 * the bytes themselves; see v2.dto.ts). Names are TF Serving's.
 */
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** A model with one input takes its values; one with several, an object of them by input name. */
const INSTANCE_OR_NAMED = 'a value nested as the input\'s shape without its batch dimension, or, for a model with several inputs, an object of them by input name';

export class TfPredictRequestDto {
  @ApiPropertyOptional({ type: String, example: 'serving_default', description: 'Only serving_default (or empty) is served' })
  signature_name?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: {},
    example: [[5.1, 3.5, 1.4, 0.2]],
    description: `Row format: one instance per row, each ${INSTANCE_OR_NAMED}. Send this or inputs.`,
  })
  instances?: unknown[];

  @ApiPropertyOptional({
    oneOf: [{ type: 'array', items: {} }, { type: 'object', additionalProperties: true }],
    example: { features: [[5.1, 3.5, 1.4, 0.2]] },
    description: 'Columnar format: the batch of a one-input model, or an object of batches by input name. Send this or instances.',
  })
  inputs?: unknown;
}

export class TfPredictResponseDto {
  @ApiPropertyOptional({
    type: 'array',
    items: {},
    example: [[0.96, 0.04, 0]],
    description: 'Answer to the row format: one prediction per instance; an object by output name where the model has several outputs',
  })
  predictions?: unknown[];

  @ApiPropertyOptional({
    oneOf: [{ type: 'array', items: {} }, { type: 'object', additionalProperties: true }],
    description: 'Answer to the columnar format: the batch of a one-output model, or an object of batches by output name',
  })
  outputs?: unknown;
}

export class TfStatusDto {
  @ApiProperty({ type: String, example: 'OK' })
  error_code!: string;

  @ApiProperty({ type: String, example: '', description: 'Why the version is not available, if it is not' })
  error_message!: string;
}

export class TfVersionStatusDto {
  @ApiProperty({ type: String, example: '1' })
  version!: string;

  @ApiProperty({ enum: ['UNKNOWN', 'START', 'LOADING', 'AVAILABLE', 'UNLOADING', 'END'], enumName: 'TfVersionState', example: 'AVAILABLE' })
  state!: string;

  @ApiProperty({ type: TfStatusDto })
  status!: TfStatusDto;
}

export class TfModelStatusDto {
  @ApiProperty({ type: [TfVersionStatusDto] })
  model_version_status!: TfVersionStatusDto[];
}

export class TfDimDto {
  @ApiProperty({ type: String, example: '-1', description: 'An int64 as protobuf JSON writes it; -1 is free' })
  size!: string;

  @ApiProperty({ type: String, example: '' })
  name!: string;
}

export class TfTensorShapeDto {
  @ApiProperty({ type: [TfDimDto] })
  dim!: TfDimDto[];

  @ApiProperty({ type: Boolean, example: false })
  unknown_rank!: boolean;
}

export class TfTensorInfoDto {
  @ApiProperty({ type: String, example: 'DT_FLOAT' })
  dtype!: string;

  @ApiProperty({ type: TfTensorShapeDto })
  tensor_shape!: TfTensorShapeDto;

  @ApiProperty({ type: String, example: 'features:0' })
  name!: string;
}

export class TfSignatureDefDto {
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(TfTensorInfoDto) }, description: 'By input name' })
  inputs!: Record<string, TfTensorInfoDto>;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(TfTensorInfoDto) }, description: 'By output name' })
  outputs!: Record<string, TfTensorInfoDto>;

  @ApiProperty({ type: String, example: 'tensorflow/serving/predict' })
  method_name!: string;
}

export class TfSignatureDefMapDto {
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(TfSignatureDefDto) }, description: 'By signature name: serving_default' })
  signature_def!: Record<string, TfSignatureDefDto>;
}

export class TfMetadataBodyDto {
  @ApiProperty({ type: TfSignatureDefMapDto })
  signature_def!: TfSignatureDefMapDto;
}

export class TfModelSpecDto {
  @ApiProperty({ type: String, example: 'iris' })
  name!: string;

  @ApiProperty({ type: String, example: '' })
  signature_name!: string;

  @ApiProperty({ type: String, example: '1' })
  version!: string;
}

export class TfModelMetadataDto {
  @ApiProperty({ type: TfModelSpecDto })
  model_spec!: TfModelSpecDto;

  @ApiProperty({ type: TfMetadataBodyDto })
  metadata!: TfMetadataBodyDto;
}

/** Referenced only through additionalProperties: registered with @ApiExtraModels on the controller. */
export const TF_EXTRA_MODELS = [TfTensorInfoDto, TfSignatureDefDto];
