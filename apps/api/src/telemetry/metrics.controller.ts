import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../auth/access.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { ServingMetrics } from './metrics/serving-metrics';

/** Prometheus scrape endpoint. A scraper may also present METRICS_TOKEN (see RequestTelemetry). */
@ApiTags('telemetry')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: ServingMetrics) {}

  @Get('metrics')
  @RequireScope('admin')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format): an admin credential, or the METRICS_TOKEN bearer token' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'modelgate_* families (see docs/operations.md) and process metrics' })
  @ApiErrors(401, 403)
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.metrics.contentType);
    return this.metrics.exposition();
  }
}
