import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { CreateModelDto, ListQueryDto, ModelDto, ModelListDto, UpdateModelDto } from './dto/model.dto';
import { RegistryService } from './registry.service';

@ApiTags('models')
@Controller('api/models')
export class ModelsController {
  constructor(private readonly registry: RegistryService) {}

  @Post()
  @ApiOperation({ summary: 'Create a model (a name under which versions are uploaded)' })
  @ApiCreatedResponse({ type: ModelDto })
  @ApiErrors(400, 401, 409)
  create(@Body() dto: CreateModelDto): Promise<ModelDto> {
    return this.registry.createModel(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List models, by name' })
  @ApiOkResponse({ type: ModelListDto })
  @ApiErrors(400, 401)
  list(@Query() query: ListQueryDto): Promise<ModelListDto> {
    return this.registry.listModels(Number(query.limit ?? 100) || 100, Number(query.offset ?? 0));
  }

  @Get(':name')
  @ApiOperation({ summary: 'Get a model' })
  @ApiOkResponse({ type: ModelDto })
  @ApiErrors(401, 404)
  get(@Param('name') name: string): Promise<ModelDto> {
    return this.registry.getModel(name);
  }

  @Patch(':name')
  @ApiOperation({ summary: "Change a model's description, task or labels" })
  @ApiOkResponse({ type: ModelDto })
  @ApiErrors(400, 401, 404)
  update(@Param('name') name: string, @Body() dto: UpdateModelDto): Promise<ModelDto> {
    return this.registry.updateModel(name, dto);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a model with all its versions; their workers are stopped and files removed' })
  @ApiNoContentResponse()
  @ApiErrors(401, 404)
  remove(@Param('name') name: string): Promise<void> {
    return this.registry.deleteModel(name);
  }
}
