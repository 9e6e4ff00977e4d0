import { ApiProperty, PickType } from '@nestjs/swagger';
import { ModelSeriesDto, SeriesQueryDto } from '../../../telemetry/dto/series.dto';
import { ShadowDto } from '../../dto/deployment.dto';

/** from and to as for the latency series (default: the last hour). */
export class ShadowQueryDto extends PickType(SeriesQueryDto, ['from', 'to'] as const) {}

export class ShadowFiguresDto {
  @ApiProperty({ example: 1200, description: "Copies whose answer was compared with the primary's" })
  requests!: number;

  @ApiProperty({ example: 1200, description: 'Classifier rows compared by their top-1 class (float outputs [batch, classes], integer or string labels [batch])' })
  rows!: number;

  @ApiProperty({ example: 1188, description: 'Of those, rows where the shadow picked the same class' })
  agreeingRows!: number;

  @ApiProperty({ example: 0.99, nullable: true, type: Number, description: 'agreeingRows / rows; null without classifier rows' })
  agreementRate!: number | null;

  @ApiProperty({ example: 3600, description: 'Numeric output values compared (classifier scores included; labels not)' })
  values!: number;

  @ApiProperty({ example: 0.0042, nullable: true, type: Number, description: 'Mean absolute difference of those values; null without values' })
  meanAbsDiff!: number | null;

  @ApiProperty({ example: 0.21, nullable: true, type: Number, description: 'Largest absolute difference; null without values' })
  maxAbsDiff!: number | null;

  @ApiProperty({ example: 2, description: 'Copies that failed: the shadow errored, missed its deadline, or answered with outputs of another shape' })
  errors!: number;

  @ApiProperty({ example: 15, description: 'Copies picked by the percentage but not run: the shadow was not ready, or its load was at its bound' })
  dropped!: number;
}

export class ShadowPointDto extends ShadowFiguresDto {
  @ApiProperty({ example: '2025-11-23T10:00:00.000Z', description: 'Start of the minute' })
  time!: string;
}

export class ShadowPairDto {
  @ApiProperty({ example: 1, description: 'The version that answered the clients' })
  primaryVersion!: number;

  @ApiProperty({ example: 2, description: 'The shadow version their requests were copied to' })
  shadowVersion!: number;

  @ApiProperty({ type: ShadowFiguresDto, description: 'Over the whole range' })
  totals!: ShadowFiguresDto;

  @ApiProperty({ type: [ShadowPointDto], description: 'One point per minute with shadow traffic, oldest first' })
  points!: ShadowPointDto[];
}

/** model, from and to as for the latency series. */
export class ShadowComparisonsDto extends PickType(ModelSeriesDto, ['model', 'from', 'to'] as const) {
  @ApiProperty({ type: ShadowDto, nullable: true, description: "The deployment's shadow now; null when it has none" })
  shadow!: ShadowDto | null;

  @ApiProperty({ type: [ShadowPairDto], description: 'Each (primary, shadow) pair with copies in the range, from every replica' })
  comparisons!: ShadowPairDto[];
}
