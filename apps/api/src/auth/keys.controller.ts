import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentOrigin, type RequestOrigin } from '../audit/request-origin';
import { ApiErrors } from '../common/api-errors.decorator';
import { RequireScope } from './access.decorator';
import { CurrentPrincipal } from './current-principal.decorator';
import { CreateKeyDto, RotateKeyDto } from './dto/create-key.dto';
import { PageQueryDto, pageOf } from '../common/dto/page-query.dto';
import { CreatedKeyDto, KeyListDto } from './dto/key.dto';
import { KeysService } from './keys.service';
import type { Principal } from './principal';

@ApiTags('keys')
@RequireScope('keys')
@Controller('api/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key; the answer holds the full key, shown this once',
    description: 'Needs `keys` (or `admin`). A key can only be given scopes, models, an expiry and a rate limit within those of its creator.',
  })
  @ApiCreatedResponse({ type: CreatedKeyDto, description: 'The key: its secret is shown this once' })
  @ApiErrors(400, 401, 403, 429)
  create(@Body() dto: CreateKeyDto, @CurrentPrincipal() caller: Principal, @CurrentOrigin() origin: RequestOrigin): Promise<CreatedKeyDto> {
    return this.keys.create(dto, caller, origin);
  }

  @Get()
  @ApiOperation({ summary: 'List keys, newest first (admin: all; otherwise the keys the caller created); never the secret' })
  @ApiOkResponse({ type: KeyListDto, description: 'The keys, never their secrets' })
  @ApiErrors(400, 401, 403, 429)
  list(@Query() query: PageQueryDto, @CurrentPrincipal() caller: Principal): Promise<KeyListDto> {
    const { limit, offset } = pageOf(query);
    return this.keys.list(caller, limit, offset);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key: refused everywhere within a second' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(401, 403, 404, 429)
  revoke(@Param('id') id: string, @CurrentPrincipal() caller: Principal, @CurrentOrigin() origin: RequestOrigin): Promise<void> {
    return this.keys.revoke(id, caller, origin);
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate a key: a new secret for the same id; the old one works for graceSeconds more (default 24 hours)',
  })
  @ApiOkResponse({ type: CreatedKeyDto, description: 'The key with its new secret, shown this once' })
  @ApiErrors(400, 401, 403, 404, 409, 429)
  rotate(
    @Param('id') id: string,
    @Body() dto: RotateKeyDto,
    @CurrentPrincipal() caller: Principal,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<CreatedKeyDto> {
    return this.keys.rotate(id, dto.graceSeconds, caller, origin);
  }
}
