import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator';
import { LivenessDto, ReadinessDto, V2LiveDto, V2ReadyDto } from './dto/health.dto';
import { HealthService, type Readiness } from './health.service';

/** Liveness and readiness, in Modelgate's own form and in the Open Inference Protocol's. */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: LivenessDto, description: 'The process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: database reachable, migrations applied, every servable version loaded' })
  @ApiOkResponse({ type: ReadinessDto, description: 'Ready' })
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'Not ready; `checks` says which part is not' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const readiness = await this.health.readiness();
    if (!readiness.ready) void reply.status(503);
    return readiness;
  }

  @Public()
  @Get('v2/health/live')
  @ApiTags('inference: Open Inference Protocol v2')
  @ApiOperation({ summary: 'Server live (Open Inference Protocol)' })
  @ApiOkResponse({ type: V2LiveDto, description: 'Live' })
  v2Live(): { live: boolean } {
    return { live: true };
  }

  @Public()
  @Get('v2/health/ready')
  @ApiTags('inference: Open Inference Protocol v2')
  @ApiOperation({ summary: 'Server ready (Open Inference Protocol): 200 when ready, 503 when not' })
  @ApiOkResponse({ type: V2ReadyDto, description: 'Ready' })
  @ApiServiceUnavailableResponse({ type: V2ReadyDto, description: 'Not ready' })
  async v2Ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ ready: boolean }> {
    const { ready } = await this.health.readiness();
    if (!ready) void reply.status(503);
    return { ready };
  }
}
