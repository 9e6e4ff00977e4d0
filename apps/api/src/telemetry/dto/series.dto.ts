import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { IsDateTime } from '../../common/dto/date-time';

export class SeriesQueryDto {
  @ApiPropertyOptional({ example: '2025-11-23T10:00:00Z', description: 'Start (ISO 8601); default: an hour before `to`. Aligned down to the minute.' })
  @IsOptional()
  @IsDateTime({ message: 'from must be an ISO 8601 time such as 2025-11-23T10:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ example: '2025-11-23T11:00:00Z', description: 'End (ISO 8601, exclusive); default: now' })
  @IsOptional()
  @IsDateTime({ message: 'to must be an ISO 8601 time such as 2025-11-23T11:00:00Z' })
  to?: string;

  @ApiPropertyOptional({
    example: 60,
    description: 'Seconds per point, a multiple of 60 (the stored resolution is one minute; larger steps sum the minutes). Default: about 60 points over the range.',
  })
  @IsOptional()
  @Matches(/^[1-9]\d{0,6}$/, { message: 'step must be a whole number of seconds, a multiple of 60 (e.g. 60, 300, 3600)' })
  step?: string;
}

export class SeriesPointDto {
  @ApiProperty({ example: '2025-11-23T10:00:00.000Z', description: 'Start of the step' })
  time!: string;

  @ApiProperty({ example: 1200, description: 'Requests that reached this version in the step' })
  requests!: number;

  @ApiProperty({ example: 3, description: 'Of those, answered with a 5xx status' })
  errors!: number;

  @ApiProperty({ example: 20, description: 'Requests per second over the step' })
  requestRate!: number;

  @ApiProperty({ example: 0.0025, nullable: true, type: Number, description: 'errors / requests; null without requests' })
  errorRate!: number | null;

  @ApiProperty({ example: 4.2, nullable: true, type: Number, description: 'Median whole-request latency, ms (interpolated within the histogram bucket)' })
  p50Ms!: number | null;

  @ApiProperty({ example: 9.8, nullable: true, type: Number })
  p95Ms!: number | null;

  @ApiProperty({ example: 15.1, nullable: true, type: Number })
  p99Ms!: number | null;

  @ApiProperty({ example: 5.0, nullable: true, type: Number, description: 'Mean latency, ms' })
  meanMs!: number | null;
}

export class VersionSeriesDto {
  @ApiProperty({ example: 2 })
  version!: number;

  @ApiProperty({ type: [SeriesPointDto], description: 'One point per step from `from` to `to`' })
  points!: SeriesPointDto[];
}

export class ModelSeriesDto {
  @ApiProperty({ example: 'iris' })
  model!: string;

  @ApiProperty({ example: '2025-11-23T10:00:00.000Z' })
  from!: string;

  @ApiProperty({ example: '2025-11-23T11:00:00.000Z' })
  to!: string;

  @ApiProperty({ example: 60, description: 'Seconds per point' })
  step!: number;

  @ApiProperty({ type: [VersionSeriesDto], description: 'Versions with requests in the range, and those serving now' })
  versions!: VersionSeriesDto[];
}
