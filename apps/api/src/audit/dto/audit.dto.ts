import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { IsDateTime } from '../../common/dto/date-time';

export class AuditQueryDto {
  @ApiPropertyOptional({ example: 'operator:alice', description: 'Exact actor: key:<id>, operator:<username>, system:<what> or anonymous' })
  @IsOptional()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ example: 'key.*', description: 'Exact action, or a prefix ending in *' })
  @IsOptional()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ example: 'model:iris', description: 'Exact target, or a prefix ending in * (e.g. version:iris/*)' })
  @IsOptional()
  @MaxLength(300)
  target?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'Entries at or after this time' })
  @IsOptional()
  @IsDateTime({ message: 'from must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-02-01T00:00:00Z', description: 'Entries before this time' })
  @IsOptional()
  @IsDateTime({ message: 'to must be an ISO 8601 date-time such as 2026-02-01T00:00:00Z' })
  to?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Matches(/^\d{1,3}$/, { message: 'limit must be a whole number from 1 to 500' })
  limit?: string;
}

export class AuditEntryDto {
  @ApiProperty({ example: '1042' })
  id!: string;

  @ApiProperty({ example: '2026-01-05T10:31:00.000Z' })
  at!: string;

  @ApiProperty({ example: 'operator:alice' })
  actor!: string;

  @ApiProperty({ example: 'model.update' })
  action!: string;

  @ApiProperty({ example: 'model:iris' })
  target!: string;

  @ApiProperty({ type: String, nullable: true, example: '10.0.0.7' })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  requestId!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { description: 'retrained monthly' }, description: 'What changed (never secrets or payloads)' })
  changes!: Record<string, unknown>;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] })
  items!: AuditEntryDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next (older) page; null at the end' })
  nextCursor!: string | null;
}
