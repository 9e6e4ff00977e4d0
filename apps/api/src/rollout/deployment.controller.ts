import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentOrigin, type RequestOrigin } from '../audit/request-origin';
import { RequireScope } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { PageQueryDto, pageOf } from '../common/dto/page-query.dto';
import { DeploymentService } from './deployment.service';
import { PlanRunner } from './plan/plan-runner';
import { DeploymentDto, DeploymentListDto, PatchDeploymentDto, PutDeploymentDto, RolloutActionDto, RolloutHistoryDto } from './dto/deployment.dto';

/** Every model's deployment at a glance: the dashboard's models list, a script's overview of the rollouts in progress. */
@ApiTags('rollout')
@Controller('api/deployments')
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentService) {}

  @Get()
  @RequireScope('models:read')
  @ApiOperation({
    summary: 'List the deployments of all models, by model name (a key limited to some models sees only theirs)',
    description: 'Each as GET /api/models/{name}/deployment answers it, without the running plan\'s `evaluation`. A model without a deployment is not listed.',
  })
  @ApiOkResponse({ type: DeploymentListDto, description: 'The deployments' })
  @ApiErrors(400, 401, 403)
  list(@Query() query: PageQueryDto, @CurrentPrincipal() caller: Principal): Promise<DeploymentListDto> {
    const { limit, offset } = pageOf(query);
    return this.deployments.list(limit, offset, caller.models);
  }
}

/**
 * A model's deployment: which versions answer its unpinned requests and with what share, and the
 * moves of a rollout (promote, roll back, a progressive plan's pause, resume and abort). Every change
 * is kept in the history with who, when and why.
 */
@ApiTags('rollout')
@Controller('api/models/:name/deployment')
export class DeploymentController {
  constructor(
    private readonly deployments: DeploymentService,
    private readonly plans: PlanRunner,
  ) {}

  @Get()
  @RequireScope('models:read')
  @ApiOperation({
    summary: 'The deployment: routes with their weights and readiness here, labels, shadow, fallback, plan and its progress',
    description: "With a running plan, `evaluation` holds its latest look at the canary against stable on this server, and what the step still needs.",
  })
  @ApiOkResponse({ type: DeploymentDto, description: 'The deployment' })
  @ApiErrors(401, 403, 404)
  async get(@Param('name') name: string): Promise<DeploymentDto> {
    const deployment = await this.deployments.get(name);
    const evaluation = this.plans.lastEvaluation(name);
    return evaluation === undefined || evaluation.revision !== deployment.revision ? deployment : { ...deployment, evaluation };
  }

  @Put()
  @RequireScope('deploy')
  @ApiOperation({
    summary: 'Set the deployment: routes (weights summing to 100), stable and canary labels, optional shadow, fallback and progressive plan',
    description:
      'Blue-green is a switch of weight 100 from one version to another; A/B is two or more weighted routes; a canary is a second route, ' +
      'optionally with a plan that moves it through its steps and rolls it back when a gate is breached. Versions that get traffic must be ' +
      'ready and loaded; traffic moves to them only then, and nothing in flight fails.',
  })
  @ApiOkResponse({ type: DeploymentDto, description: 'The deployment as set' })
  @ApiErrors(400, 401, 403, 404, 409)
  put(@Param('name') name: string, @Body() dto: PutDeploymentDto, @CurrentOrigin() origin: RequestOrigin): Promise<DeploymentDto> {
    return this.deployments.put(name, dto, origin);
  }

  @Patch()
  @RequireScope('deploy')
  @ApiOperation({
    summary: 'Change the shadow, the fallback or sticky routing, and leave the routes, labels and a running plan as they are',
    description:
      'A field left out stays as it is; `null` removes a shadow or a fallback. The same checks as PUT apply: a shadow must be loaded here and not routed, ' +
      'a fallback loaded here. The change is kept in the history as `deployment.options`.',
  })
  @ApiOkResponse({ type: DeploymentDto, description: 'The deployment as changed' })
  @ApiErrors(400, 401, 403, 404, 409)
  patch(@Param('name') name: string, @Body() dto: PatchDeploymentDto, @CurrentOrigin() origin: RequestOrigin): Promise<DeploymentDto> {
    return this.deployments.patch(name, dto, origin);
  }

  @Post('promote')
  @HttpCode(200)
  @RequireScope('deploy')
  @ApiOperation({ summary: 'Promote: the canary becomes stable and takes 100% of traffic' })
  @ApiOkResponse({ type: DeploymentDto, description: 'The deployment after the promotion' })
  @ApiErrors(400, 401, 403, 404, 409)
  promote(@Param('name') name: string, @Body() dto: RolloutActionDto, @CurrentOrigin() origin: RequestOrigin): Promise<DeploymentDto> {
    return this.deployments.promote(name, dto.reason, origin);
  }

  @Post('rollback')
  @HttpCode(200)
  @RequireScope('deploy')
  @ApiOperation({ summary: 'Roll back to the previous stable at 100%: drops a routed canary, or else restores the stable before the last promotion or switch' })
  @ApiOkResponse({ type: DeploymentDto, description: 'The deployment after the rollback' })
  @ApiErrors(400, 401, 403, 404, 409)
  rollback(@Param('name') name: string, @Body() dto: RolloutActionDto, @CurrentOrigin() origin: RequestOrigin): Promise<DeploymentDto> {
    return this.deployments.rollback(name, dto.reason, origin);
  }

  @Post('plan/pause')
  @HttpCode(200)
  @RequireScope('deploy')
  @ApiOperation({ summary: 'Pause the progressive plan: the weights stay where they are until resumed' })
  @ApiOkResponse({ type: DeploymentDto, description: 'The deployment, its plan paused' })
  @ApiErrors(400, 401, 403, 404, 409)
  pause(@Param('name') name: string, @Body() dto: RolloutActionDto, @CurrentOrigin() origin: RequestOrigin): Promise<DeploymentDto> {
    return this.deployments.pausePlan(name, dto.reason, origin);
  }

  @Post('plan/resume')
  @HttpCode(200)
  @RequireScope('deploy')
  @ApiOperation({ summary: 'Resume a paused plan; the current step starts over' })
  @ApiOkResponse({ type: DeploymentDto, description: 'The deployment, its plan running again' })
  @ApiErrors(400, 401, 403, 404, 409)
  resume(@Param('name') name: string, @Body() dto: RolloutActionDto, @CurrentOrigin() origin: RequestOrigin): Promise<DeploymentDto> {
    return this.deployments.resumePlan(name, dto.reason, origin);
  }

  @Post('plan/abort')
  @HttpCode(200)
  @RequireScope('deploy')
  @ApiOperation({ summary: 'Abort the plan: the canary goes back to 0% and stable serves everything' })
  @ApiOkResponse({ type: DeploymentDto, description: 'The deployment, its plan aborted' })
  @ApiErrors(400, 401, 403, 404, 409)
  abort(@Param('name') name: string, @Body() dto: RolloutActionDto, @CurrentOrigin() origin: RequestOrigin): Promise<DeploymentDto> {
    return this.deployments.abortPlan(name, dto.reason, origin);
  }

  @Get('history')
  @RequireScope('models:read')
  @ApiOperation({ summary: 'Every change of the deployment, newest first: who, when, why, and the deployment it left' })
  @ApiOkResponse({ type: RolloutHistoryDto, description: 'The changes, newest first' })
  @ApiErrors(400, 401, 403, 404)
  history(@Param('name') name: string, @Query() query: PageQueryDto): Promise<RolloutHistoryDto> {
    const { limit, offset } = pageOf(query);
    return this.deployments.history(name, limit, offset);
  }
}
