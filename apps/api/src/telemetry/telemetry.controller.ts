import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/access.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { DriftQueryDto, ModelDriftDto } from './dto/drift.dto';
import { ModelPayloadsDto, PayloadsQueryDto } from './dto/payloads.dto';
import { ModelSeriesDto, SeriesQueryDto } from './dto/series.dto';
import { TelemetryService } from './telemetry.service';

/** Per-model telemetry for the dashboard: latency and error series for charts, drift, kept requests. */
@ApiTags('telemetry')
@Controller('api/models/:name')
export class TelemetryController {
  constructor(private readonly telemetry: TelemetryService) {}

  @Get('metrics')
  @RequireScope('models:read')
  @ApiOperation({
    summary: 'Request rate, error rate and p50/p95/p99 latency per version, one point per step (from per-minute rollups of every replica)',
  })
  @ApiOkResponse({ type: ModelSeriesDto, description: 'The series, one point per step' })
  @ApiErrors(400, 401, 403, 404)
  series(@Param('name') name: string, @Query() query: SeriesQueryDto): Promise<ModelSeriesDto> {
    return this.telemetry.chart(name, {
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
      stepSeconds: query.step === undefined ? undefined : Number(query.step),
    });
  }

  @Get('drift')
  @RequireScope('models:read')
  @ApiOperation({ summary: "Drift per version: each watched feature's population stability index against the version's baseline, flagged past the threshold" })
  @ApiOkResponse({ type: ModelDriftDto, description: 'Each version\'s watched features and their PSI' })
  @ApiErrors(400, 401, 403, 404)
  drift(@Param('name') name: string, @Query() query: DriftQueryDto): Promise<ModelDriftDto> {
    return this.telemetry.driftReport(name, query.hours === undefined ? undefined : Number(query.hours));
  }

  @Get('payloads')
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Requests kept by payload logging (off unless MODELGATE_PAYLOAD_LOG_MODELS names the model), newest first; admin only, as they hold client data',
  })
  @ApiOkResponse({ type: ModelPayloadsDto, description: 'The requests kept, newest first' })
  @ApiErrors(400, 401, 403, 404)
  payloads(@Param('name') name: string, @Query() query: PayloadsQueryDto): Promise<ModelPayloadsDto> {
    return this.telemetry.loggedPayloads(name, query.limit === undefined ? undefined : Number(query.limit));
  }
}
