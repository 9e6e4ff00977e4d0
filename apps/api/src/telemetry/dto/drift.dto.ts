import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class DriftQueryDto {
  @ApiPropertyOptional({ example: 24, description: 'Recent traffic compared with the baseline, in hours (default MODELGATE_DRIFT_WINDOW_HOURS)' })
  @IsOptional()
  @Matches(/^([1-9]\d{0,3})$/, { message: 'hours must be a whole number from 1 to 9999' })
  hours?: string;
}

class MeanStdDto {
  @ApiProperty({ example: 5.84, nullable: true, type: Number })
  mean!: number | null;

  @ApiProperty({ example: 0.83, nullable: true, type: Number, description: 'Standard deviation' })
  std!: number | null;
}

export class FeatureDriftDto {
  @ApiProperty({ example: 'x[0]', description: 'Element j of a tensor (`x[j]`), a large tensor\'s row summary (`pixels:mean`, `pixels:std`), or an output\'s predicted class (`probabilities:class`)' })
  name!: string;

  @ApiProperty({ enum: ['input', 'output'] })
  source!: string;

  @ApiProperty({ enum: ['numeric', 'categorical'], description: 'Numeric features use ten bins at the baseline deciles; categorical ones one bin per class' })
  kind!: string;

  @ApiProperty({ example: 0.031, nullable: true, type: Number, description: 'Population stability index of the current window against the baseline' })
  psi!: number | null;

  @ApiProperty({ example: false, description: 'PSI over MODELGATE_DRIFT_PSI_THRESHOLD with at least MODELGATE_DRIFT_MIN_ROWS current rows' })
  drifted!: boolean;

  @ApiProperty({ type: MeanStdDto })
  baseline!: MeanStdDto;

  @ApiProperty({ type: MeanStdDto })
  current!: MeanStdDto;
}

class BaselineInfoDto {
  @ApiProperty({ example: 1000, description: 'Rows in the baseline (while collecting: rows so far)' })
  rows!: number;

  @ApiProperty({ nullable: true, type: String, example: '2025-11-23T10:00:00.000Z' })
  startedAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2025-11-23T10:20:00.000Z' })
  completedAt!: string | null;
}

class CurrentInfoDto {
  @ApiProperty({ example: 4200, description: 'Sampled rows in the compared window' })
  rows!: number;

  @ApiProperty({ nullable: true, type: String })
  from!: string | null;

  @ApiProperty({ nullable: true, type: String })
  to!: string | null;
}

export class VersionDriftDto {
  @ApiProperty({ example: 1 })
  version!: number;

  @ApiProperty({ enum: ['collecting_baseline', 'insufficient_data', 'stable', 'drift'] })
  status!: string;

  @ApiProperty({ example: false, description: 'Any feature drifted' })
  drifted!: boolean;

  @ApiProperty({ example: 0.05, nullable: true, type: Number })
  maxPsi!: number | null;

  @ApiProperty({ type: BaselineInfoDto })
  baseline!: BaselineInfoDto;

  @ApiProperty({ type: CurrentInfoDto })
  current!: CurrentInfoDto;

  @ApiProperty({ type: [FeatureDriftDto] })
  features!: FeatureDriftDto[];
}

export class ModelDriftDto {
  @ApiProperty({ example: 'iris' })
  model!: string;

  @ApiProperty({ example: 0.2, description: 'PSI above which a feature counts as drifted' })
  threshold!: number;

  @ApiProperty({ example: 24 })
  windowHours!: number;

  @ApiProperty({ type: [VersionDriftDto], description: 'Every version serving on this server' })
  versions!: VersionDriftDto[];
}
