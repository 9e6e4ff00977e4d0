import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class PayloadsQueryDto {
  @ApiPropertyOptional({ example: 20, minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Matches(/^([1-9]\d?|[1-4]\d\d|500)$/, { message: 'limit must be a whole number from 1 to 500' })
  limit?: string;
}

export class LoggedTensorDto {
  @ApiProperty({ example: 'features' })
  name!: string;

  @ApiProperty({ example: 'FP32' })
  datatype!: string;

  @ApiProperty({ example: [1, 4], type: [Number] })
  shape!: number[];

  @ApiProperty({
    example: [5.1, 3.5, 1.4, 0.2],
    nullable: true,
    type: 'array',
    items: { oneOf: [{ type: 'number' }, { type: 'string' }] },
    description: 'Row-major values (64-bit integers as strings, BYTES as base64); null for outputs too large to keep',
  })
  data!: Array<number | string> | null;
}

export class LoggedPayloadDto {
  @ApiProperty({ example: '0b7f9a52-3c1e-4f0e-9a57-2d1c8e4b6f10' })
  id!: string;

  @ApiProperty({ example: 1 })
  version!: number;

  @ApiProperty({ example: '2025-11-23T10:00:00.000Z' })
  at!: string;

  @ApiProperty({ type: [LoggedTensorDto] })
  inputs!: LoggedTensorDto[];

  @ApiProperty({ type: [LoggedTensorDto] })
  outputs!: LoggedTensorDto[];
}

export class ModelPayloadsDto {
  @ApiProperty({ example: 'iris' })
  model!: string;

  @ApiProperty({ example: true, description: 'Whether payload logging is on for this model (MODELGATE_PAYLOAD_LOG_MODELS)' })
  logging!: boolean;

  @ApiProperty({ example: 24, description: 'Kept requests are deleted after this many hours' })
  retentionHours!: number;

  @ApiProperty({ type: [LoggedPayloadDto], description: 'Newest first' })
  items!: LoggedPayloadDto[];
}
