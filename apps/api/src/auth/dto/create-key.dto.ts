import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MODEL_NAME_PATTERN } from '../../registry/dto/model.dto';
import { SCOPES, type Scope } from '../scopes';
import { IsDateTime } from '../../common/dto/date-time';

/** Printable text without control characters: names end up in logs, the audit log and the dashboard. */
export const PRINTABLE_NAME = /^[^\p{Cc}\p{Cf}]+$/u;

export class RateLimitDto {
  @ApiProperty({ example: 50, description: 'Sustained requests per second (tokens added to the bucket per second); fractions allowed, e.g. 0.5' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'perSecond must be a number' })
  @Min(0.001)
  @Max(1_000_000)
  perSecond!: number;

  @ApiProperty({ example: 100, description: 'Bucket size: how many requests may come at once before the sustained rate applies' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  burst!: number;
}

export class CreateKeyDto {
  @ApiProperty({ example: 'checkout-service', description: 'What the key is for (1-128 printable characters)' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @Matches(PRINTABLE_NAME, { message: 'name must be printable text without control characters' })
  name!: string;

  @ApiProperty({
    enum: SCOPES,
    isArray: true,
    example: ['predict'],
    description: 'What the key may do; you can only grant scopes you hold yourself (admin holds all)',
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'scopes must name at least one scope' })
  @ArrayMaxSize(SCOPES.length)
  @ArrayUnique()
  @IsIn(SCOPES, { each: true, message: `each scope must be one of ${SCOPES.join(', ')}` })
  scopes!: Scope[];

  @ApiPropertyOptional({
    type: [String],
    example: ['iris'],
    nullable: true,
    description: 'Models the key may use; omitted or null: all. Other models answer 404, as if they did not exist',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'models must name at least one model; leave it out for all models' })
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @Matches(MODEL_NAME_PATTERN, { each: true, message: 'each entry of models must be a model name' })
  models?: string[] | null;

  @ApiPropertyOptional({ example: '2026-12-31T23:59:59Z', nullable: true, type: String, description: 'When the key stops working (ISO 8601); omitted: never' })
  @IsOptional()
  @IsDateTime({ message: 'expiresAt must be an ISO 8601 date-time such as 2026-12-31T23:59:59Z' })
  expiresAt?: string | null;

  @ApiPropertyOptional({ type: RateLimitDto, nullable: true, description: 'Token bucket per key; omitted: no limit' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitDto)
  rateLimit?: RateLimitDto | null;
}

export class RotateKeyDto {
  @ApiPropertyOptional({
    example: 86400,
    minimum: 0,
    maximum: 604800,
    default: 86400,
    description: 'How long the old secret keeps working, in seconds (default 24 hours; 0 for a leaked key: the old secret stops at once)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(604_800)
  graceSeconds?: number;
}
