import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Matches(/^\d{1,3}$/, { message: 'limit must be a whole number from 1 to 500' })
  limit?: string;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Matches(/^\d{1,9}$/, { message: 'offset must be a whole number, 0 or more' })
  offset?: string;
}

/** limit (1-500, default 100) and offset of a page query. */
export function pageOf(query: PageQueryDto): { limit: number; offset: number } {
  return { limit: Math.min(Number(query.limit ?? 100) || 100, 500), offset: Number(query.offset ?? 0) };
}
