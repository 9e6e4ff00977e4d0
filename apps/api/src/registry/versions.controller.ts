import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Audited } from '../audit/audited.decorator';
import { RequireScope } from '../auth/access.decorator';
import { AuditInterceptor } from '../audit/audit.interceptor';
import { ApiErrors } from '../common/api-errors.decorator';
import { versionNumberPipe } from '../common/version-number.pipe';
import { UpdateVersionDto, UploadVersionBodyDto, VersionDto } from './dto/version.dto';
import { multipartParts } from './multipart';
import { REGISTRY_AUDIT } from './registry.audit';
import { RegistryService } from './registry.service';

@ApiTags('models')
@UseInterceptors(AuditInterceptor)
@Controller('api/models/:name/versions')
export class VersionsController {
  constructor(private readonly registry: RegistryService) {}

  @Post()
  @RequireScope('models:write')
  @Audited('version.upload', REGISTRY_AUDIT.versionUploaded)
  @ApiOperation({
    summary: 'Upload a new version',
    description:
      'multipart/form-data with `file` (.onnx, or .zip / .tar.gz of a TF.js model folder or TF SavedModel) and optional `config` (JSON) and `description`. ' +
      'The file is stored, loaded and warmed up before the answer; a file that cannot be loaded answers 422 and leaves nothing behind.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadVersionBodyDto })
  @ApiCreatedResponse({ type: VersionDto, description: 'The version, with its status and signature' })
  @ApiErrors(400, 401, 404, 413, 415, 422)
  upload(@Param('name') name: string, @Req() request: FastifyRequest): Promise<VersionDto> {
    return this.registry.uploadVersion(name, multipartParts(request), request.principal?.name ?? null);
  }

  @Get()
  @RequireScope('models:read')
  @ApiOperation({ summary: "List a model's versions" })
  @ApiOkResponse({ type: [VersionDto], description: 'The versions' })
  @ApiErrors(401, 404)
  list(@Param('name') name: string): Promise<VersionDto[]> {
    return this.registry.listVersions(name);
  }

  @Get(':version')
  @RequireScope('models:read')
  @ApiOperation({ summary: 'Get a version: status, signature, serving settings' })
  @ApiOkResponse({ type: VersionDto, description: 'The version' })
  @ApiErrors(400, 401, 404)
  get(@Param('name') name: string, @Param('version', versionNumberPipe) version: number): Promise<VersionDto> {
    return this.registry.getVersion(name, version);
  }

  @Patch(':version')
  @RequireScope('models:write')
  @Audited('version.update', REGISTRY_AUDIT.versionUpdated)
  @ApiOperation({ summary: "Change a version's description, serving settings (applied without restart) or status (ready / retired)" })
  @ApiOkResponse({ type: VersionDto, description: 'The version as changed' })
  @ApiErrors(400, 401, 404, 422)
  update(@Param('name') name: string, @Param('version', versionNumberPipe) version: number, @Body() dto: UpdateVersionDto): Promise<VersionDto> {
    return this.registry.updateVersion(name, version, dto);
  }

  @Delete(':version')
  @RequireScope('models:write')
  @Audited('version.delete', REGISTRY_AUDIT.versionDeleted)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a version; its workers stop and its file is removed when no other version shares it' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 401, 404)
  remove(@Param('name') name: string, @Param('version', versionNumberPipe) version: number): Promise<void> {
    return this.registry.deleteVersion(name, version);
  }
}

