import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { RequireScope } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AuditInterceptor } from '../audit/audit.interceptor';
import { ApiErrors } from '../common/api-errors.decorator';
import { PageQueryDto, pageOf } from '../common/dto/page-query.dto';
import { CreateModelDto, ModelDto, ModelListDto, UpdateModelDto } from './dto/model.dto';
import { REGISTRY_AUDIT } from './registry.audit';
import { RegistryService } from './registry.service';

@ApiTags('models')
@UseInterceptors(AuditInterceptor)
@Controller('api/models')
export class ModelsController {
  constructor(private readonly registry: RegistryService) {}

  @Post()
  @RequireScope('models:write', { modelInBody: 'name' })
  @Audited('model.create', REGISTRY_AUDIT.modelCreated)
  @ApiOperation({ summary: 'Create a model (a name under which versions are uploaded)' })
  @ApiCreatedResponse({ type: ModelDto, description: 'The model, created' })
  @ApiErrors(400, 401, 409)
  create(@Body() dto: CreateModelDto): Promise<ModelDto> {
    return this.registry.createModel(dto);
  }

  @Get()
  @RequireScope('models:read')
  @ApiOperation({ summary: 'List models, by name (a key limited to some models sees only those)' })
  @ApiOkResponse({ type: ModelListDto, description: 'The models' })
  @ApiErrors(400, 401)
  list(@Query() query: PageQueryDto, @CurrentPrincipal() caller: Principal): Promise<ModelListDto> {
    const { limit, offset } = pageOf(query);
    return this.registry.listModels(limit, offset, caller.models);
  }

  @Get(':name')
  @RequireScope('models:read')
  @ApiOperation({ summary: 'Get a model' })
  @ApiOkResponse({ type: ModelDto, description: 'The model' })
  @ApiErrors(401, 404)
  get(@Param('name') name: string): Promise<ModelDto> {
    return this.registry.getModel(name);
  }

  @Patch(':name')
  @RequireScope('models:write')
  @Audited('model.update', REGISTRY_AUDIT.modelUpdated)
  @ApiOperation({ summary: "Change a model's description, task or labels" })
  @ApiOkResponse({ type: ModelDto, description: 'The model as changed' })
  @ApiErrors(400, 401, 404)
  update(@Param('name') name: string, @Body() dto: UpdateModelDto): Promise<ModelDto> {
    return this.registry.updateModel(name, dto);
  }

  @Delete(':name')
  @RequireScope('models:write')
  @Audited('model.delete', REGISTRY_AUDIT.modelDeleted)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a model with all its versions; their workers are stopped and files removed' })
  @ApiNoContentResponse({ description: 'Deleted, with its versions and their files' })
  @ApiErrors(401, 404)
  remove(@Param('name') name: string): Promise<void> {
    return this.registry.deleteModel(name);
  }
}
