import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/access.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { AuditService } from './audit.service';
import { AuditPageDto, AuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@RequireScope('admin')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'The audit log, newest first (admin only)',
    description: 'Filters combine; page with `cursor` = the previous answer\'s `nextCursor`.',
  })
  @ApiOkResponse({ type: AuditPageDto, description: 'A page of entries, newest first' })
  @ApiErrors(400, 401, 403)
  list(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    return this.audit.page({
      actor: query.actor,
      action: query.action,
      target: query.target,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      before: query.cursor,
      limit: Math.min(Number(query.limit ?? 100) || 100, 500),
    });
  }
}
