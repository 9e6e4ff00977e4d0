import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentOrigin, type RequestOrigin } from '../audit/request-origin';
import { ApiErrors } from '../common/api-errors.decorator';
import { RequireScope } from './access.decorator';
import { CurrentPrincipal } from './current-principal.decorator';
import { PageQueryDto, pageOf } from '../common/dto/page-query.dto';
import { CreateOperatorDto, OperatorDto, OperatorListDto, UpdateOperatorDto } from './dto/operator.dto';
import { OperatorsService } from './operators.service';
import type { Principal } from './principal';

@ApiTags('operators')
@RequireScope('admin')
@Controller('api/operators')
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a dashboard account (admin only)' })
  @ApiCreatedResponse({ type: OperatorDto, description: 'The account, created' })
  @ApiErrors(400, 401, 403, 409)
  create(@Body() dto: CreateOperatorDto, @CurrentPrincipal() caller: Principal, @CurrentOrigin() origin: RequestOrigin): Promise<OperatorDto> {
    return this.operators.create(dto, caller, origin);
  }

  @Get()
  @ApiOperation({ summary: 'List dashboard accounts (admin only); never the password hash' })
  @ApiOkResponse({ type: OperatorListDto, description: 'The accounts' })
  @ApiErrors(400, 401, 403)
  list(@Query() query: PageQueryDto): Promise<OperatorListDto> {
    const { limit, offset } = pageOf(query);
    return this.operators.list(limit, offset);
  }

  @Patch(':username')
  @ApiOperation({ summary: "Change an account's role, disable or enable it, or set its password (admin only)" })
  @ApiOkResponse({ type: OperatorDto, description: 'The account as changed' })
  @ApiErrors(400, 401, 403, 404, 409)
  update(@Param('username') username: string, @Body() dto: UpdateOperatorDto, @CurrentOrigin() origin: RequestOrigin): Promise<OperatorDto> {
    return this.operators.update(username, dto, origin);
  }
}
