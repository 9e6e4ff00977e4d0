import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: string;
}

export class ReadinessChecksDto {
  @ApiProperty({ type: Boolean, example: true, description: 'The database answers' })
  database!: boolean;

  @ApiProperty({ type: Boolean, example: true, description: 'No migration is pending' })
  migrations!: boolean;

  @ApiProperty({ type: Boolean, example: true, description: 'Every version that should serve here is loaded' })
  models!: boolean;
}

export class ReadinessDto {
  @ApiProperty({ type: Boolean, example: true })
  ready!: boolean;

  @ApiProperty({ type: ReadinessChecksDto })
  checks!: ReadinessChecksDto;
}

export class V2LiveDto {
  @ApiProperty({ type: Boolean, example: true })
  live!: boolean;
}

export class V2ReadyDto {
  @ApiProperty({ type: Boolean, example: true })
  ready!: boolean;
}
