import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { Device } from '@modelgate/runtime';

export class VersionConfigDto {
  @ApiPropertyOptional({ description: 'Worker instances serving this version', minimum: 1, maximum: 16, example: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(16)
  instances?: number;

  @ApiPropertyOptional({ description: 'Device each instance runs on: "cpu" or "gpu:<index>"', example: 'cpu' })
  @IsOptional()
  @Matches(/^(cpu|gpu:\d{1,2})$/, { message: 'device must be "cpu" or "gpu:<index>", e.g. "gpu:0"' })
  device?: Device;
}
