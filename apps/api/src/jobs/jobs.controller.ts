import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, StreamableFile, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditInterceptor } from '../audit/audit.interceptor';
import { Audited } from '../audit/audited.decorator';
import { RequireScope } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { BadRequestError } from '../common/errors';
import { multipartParts } from '../registry/multipart';
import { JobDto, JobPageDto, JobQueryDto, SubmitJobBodyDto } from './dto/job.dto';
import { JOBS_AUDIT } from './jobs.audit';
import { JobsService } from './jobs.service';

const jobId = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestError('the job id must be a UUID, as POST /api/models/{name}/jobs answered it') });

@ApiTags('jobs')
@UseInterceptors(AuditInterceptor)
@RequireScope('predict')
@Controller()
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post('api/models/:name/jobs')
  @Audited('job.submit', JOBS_AUDIT.jobSubmitted)
  @ApiOperation({
    summary: 'Submit a batch job: a file of rows scored in the background',
    description:
      'multipart/form-data with `file` (JSON Lines or CSV) and optional `version` and `format`. The whole file is checked against the version\'s signature first: ' +
      'a line the model cannot take answers 400 naming it, and nothing is stored. Rows are scored at batch priority (online requests to the version go first); ' +
      'each row\'s result is what a TF Serving predict request with that row as its one instance would answer.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: SubmitJobBodyDto })
  @ApiCreatedResponse({ type: JobDto, description: 'The job, queued: every row was checked against the version' })
  @ApiErrors(400, 401, 403, 404, 413, 415, 429, 503)
  submit(@Param('name') name: string, @Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal): Promise<JobDto> {
    return this.jobs.submit(name, multipartParts(request, 'the rows'), principal);
  }

  @Get('api/jobs')
  @ApiOperation({ summary: 'Your batch jobs, newest first (admins: everyone\'s)', description: 'Page with `cursor` = the previous answer\'s `nextCursor`.' })
  @ApiOkResponse({ type: JobPageDto, description: 'A page of jobs; nextCursor reads the next' })
  @ApiErrors(400, 401, 403)
  list(@Query() query: JobQueryDto, @CurrentPrincipal() principal: Principal): Promise<JobPageDto> {
    return this.jobs.list({ model: query.model, status: query.status, cursor: query.cursor, limit: Number(query.limit ?? 50) }, principal);
  }

  @Get('api/jobs/:id')
  @ApiOperation({ summary: "A batch job's status and progress" })
  @ApiOkResponse({ type: JobDto, description: 'The job, with its progress (live while it runs here)' })
  @ApiErrors(400, 401, 403, 404)
  get(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal): Promise<JobDto> {
    return this.jobs.get(id, principal);
  }

  @Get('api/jobs/:id/results')
  @ApiOperation({
    summary: "A finished job's results: JSON Lines, one per input row, in order",
    description:
      '`{"row": N, "prediction": ...}` (the prediction as in TF Serving\'s `predictions`) or `{"row": N, "error": "..."}`. ' +
      'A failed or cancelled job\'s results hold the rows scored before it stopped. 409 while the job is queued or running.',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'The results file', schema: { type: 'string', example: '{"row":1,"prediction":[0.96,0.03,0.01]}\n' } })
  @ApiErrors(400, 401, 403, 404, 409)
  async results(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    const { stream, filename } = await this.jobs.results(id, principal);
    return new StreamableFile(stream, { type: 'application/x-ndjson', disposition: `attachment; filename="${filename}"` });
  }

  @Post('api/jobs/:id/cancel')
  @HttpCode(200)
  @Audited('job.cancel', JOBS_AUDIT.jobCancelled)
  @ApiOperation({ summary: 'Cancel a queued or running job; the rows scored before stay in its results' })
  @ApiOkResponse({ type: JobDto, description: 'The job, cancelled, with the rows scored before' })
  @ApiErrors(400, 401, 403, 404, 409)
  cancel(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal): Promise<JobDto> {
    return this.jobs.cancel(id, principal);
  }

  @Delete('api/jobs/:id')
  @HttpCode(204)
  @Audited('job.delete', JOBS_AUDIT.jobDeleted)
  @ApiOperation({ summary: 'Delete a job that is not running, with its input and results' })
  @ApiNoContentResponse({ description: 'Deleted, with its input and results' })
  @ApiErrors(400, 401, 403, 404, 409)
  remove(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.jobs.delete(id, principal);
  }
}
