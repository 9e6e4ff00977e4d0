import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../../auth/access.decorator';
import { ApiErrors } from '../../common/api-errors.decorator';
import { ShadowComparisonsDto, ShadowQueryDto } from './dto/shadow-comparisons.dto';
import { ShadowComparisonsService } from './shadow-comparisons.service';

/** How a deployment's shadow version answered copies of real traffic, compared with the answers the clients got. */
@ApiTags('rollout')
@Controller('api/models/:name/deployment/shadow')
export class ShadowController {
  constructor(private readonly shadowComparisons: ShadowComparisonsService) {}

  @Get()
  @RequireScope('models:read')
  @ApiOperation({
    summary: "Shadow comparisons per (primary, shadow) pair: top-1 agreement of classifier outputs, mean and max absolute difference of numeric outputs, errors and dropped copies; totals over the range and one point per minute",
  })
  @ApiOkResponse({ type: ShadowComparisonsDto, description: 'Per pair of versions: totals over the range and a point per minute' })
  @ApiErrors(400, 401, 403, 404)
  comparisons(@Param('name') name: string, @Query() query: ShadowQueryDto): Promise<ShadowComparisonsDto> {
    return this.shadowComparisons.report(name, {
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
    });
  }
}
