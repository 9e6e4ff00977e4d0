import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator';
import { HealthService, type Readiness } from './health.service';

/** Liveness and readiness, in Modelgate's own form and in the Open Inference Protocol's. */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: database reachable, migrations applied, every servable version loaded' })
  @ApiOkResponse({ schema: { example: { ready: true, checks: { database: true, migrations: true, models: true } } } })
  @ApiServiceUnavailableResponse({ description: 'Not ready; `checks` says which part is not' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const readiness = await this.health.readiness();
    if (!readiness.ready) void reply.status(503);
    return readiness;
  }

  @Public()
  @Get('v2/health/live')
  @ApiTags('inference: Open Inference Protocol v2')
  @ApiOperation({ summary: 'Server live (Open Inference Protocol)' })
  @ApiOkResponse({ schema: { example: { live: true } } })
  v2Live(): { live: boolean } {
    return { live: true };
  }

  @Public()
  @Get('v2/health/ready')
  @ApiTags('inference: Open Inference Protocol v2')
  @ApiOperation({ summary: 'Server ready (Open Inference Protocol): 200 when ready, 503 when not' })
  @ApiOkResponse({ schema: { example: { ready: true } } })
  @ApiServiceUnavailableResponse({ schema: { example: { ready: false } } })
  async v2Ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ ready: boolean }> {
    const { ready } = await this.health.readiness();
    if (!ready) void reply.status(503);
    return { ready };
  }
}
