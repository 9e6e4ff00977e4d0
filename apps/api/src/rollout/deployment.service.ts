import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { RequestOrigin } from '../audit/request-origin';
import { BadRequestError, ConflictError, NotFoundError } from '../common/errors';
import { Transactions } from '../database/transaction';
import { ModelServer } from '../inference/model-server.service';
import { TrafficRouter } from '../inference/traffic-router';
import type { VersionDto } from '../registry/dto/version.dto';
import { RegistryService } from '../registry/registry.service';
import { requireStableInputs } from './deployment-inputs';
import { DeploymentMetrics } from './deployment-metrics';
import { weightOf, type DeploymentState, type PlanSpec, type TrafficRoute } from './deployment-state';
import { DeploymentsRepository, type RolloutEventRow } from './deployments.repository';
import type { DeploymentDto, DeploymentListDto, FallbackDto, PatchDeploymentDto, PutDeploymentDto, RolloutHistoryDto, ShadowDto } from './dto/deployment.dto';

/** The parts of a deployment a change sets; revision, time and author are added when it is stored. */
export type DeploymentFields = Omit<DeploymentState, 'modelName' | 'revision' | 'updatedAt' | 'updatedBy'>;

/** A decided change: the new deployment and what the history says about it. */
export interface DeploymentChange {
  next: DeploymentFields;
  action: string;
  reason?: string | null;
  details?: Record<string, unknown> | null;
}

export const DEFAULT_FALLBACK = { errorThreshold: 5, openSeconds: 30 };
export const DEFAULT_PLAN = { minRequests: 100, minDurationSeconds: 60 };

/**
 * Deployments: the traffic split of each model and every change to it. A change is decided and
 * stored in one transaction (the model's row locked, so changes take turns), with its history
 * entry and an audit entry, announced to every replica through Postgres NOTIFY, and applied to
 * this process's router once committed.
 */
@Injectable()
export class DeploymentService {
  constructor(
    private readonly repository: DeploymentsRepository,
    private readonly transactions: Transactions,
    private readonly registry: RegistryService,
    private readonly router: TrafficRouter,
    private readonly modelServer: ModelServer,
    private readonly audit: AuditService,
    private readonly metrics: DeploymentMetrics,
  ) {}

  async get(modelName: string): Promise<DeploymentDto> {
    await this.registry.getModel(modelName);
    const state = await this.repository.find(modelName);
    if (state === undefined) {
      throw new NotFoundError(
        `model "${modelName}" has no deployment: unpinned requests go to its latest ready version. PUT /api/models/${modelName}/deployment with routes to create one`,
      );
    }
    return this.toDto(state);
  }

  /** A page of every model's deployment, by model name; `onlyNames`: the models a key is limited to. */
  async list(limit: number, offset: number, onlyNames: readonly string[] | null): Promise<DeploymentListDto> {
    const { items, total } = await this.repository.list(limit, offset, onlyNames);
    return { items: items.map((state) => this.toDto(state)), total };
  }

  /** Replaces the deployment (routes, labels, shadow, fallback, plan) after checking every version it names. */
  async put(modelName: string, dto: PutDeploymentDto, origin: RequestOrigin): Promise<DeploymentDto> {
    const versions = await this.versionsOf(modelName);
    const state = await this.transition(modelName, origin, undefined, (current) => ({
      next: decidePut(modelName, dto, current, versions),
      action: 'deployment.update',
      reason: dto.reason ?? null,
    }));
    return this.toDto(state);
  }

  /**
   * Changes the shadow, the fallback or sticky routing and nothing else: the routes, labels and a
   * plan in progress stay as they are.
   */
  async patch(modelName: string, dto: PatchDeploymentDto, origin: RequestOrigin): Promise<DeploymentDto> {
    if (dto.shadow === undefined && dto.fallback === undefined && dto.sticky === undefined) {
      throw new BadRequestError('give at least one of shadow, fallback or sticky to change (null removes a shadow or a fallback); PUT sets the routes');
    }
    const versions = await this.versionsOf(modelName);
    const state = await this.transition(modelName, origin, undefined, (current) => ({
      next: decidePatch(modelName, dto, this.require(modelName, current), versions),
      action: 'deployment.options',
      reason: dto.reason ?? null,
    }));
    return this.toDto(state);
  }

  /** The canary becomes stable at 100%. */
  async promote(modelName: string, reason: string | undefined, origin: RequestOrigin): Promise<DeploymentDto> {
    await this.registry.getModel(modelName);
    const state = await this.transition(modelName, origin, undefined, (current) => {
      const deployment = this.require(modelName, current);
      if (deployment.canary === null) {
        throw new ConflictError(`model "${modelName}" has no canary to promote; PUT a deployment with two routes (or a "canary") first`);
      }
      return { next: promoted(deployment), action: 'deployment.promote', reason: reason ?? null };
    });
    return this.toDto(state);
  }

  /**
   * Back to the previous stable at 100%: a canary in progress is dropped (stable takes all traffic);
   * without one, the stable before the last promotion or switch comes back.
   */
  async rollback(modelName: string, reason: string | undefined, origin: RequestOrigin): Promise<DeploymentDto> {
    const versions = await this.versionsOf(modelName);
    const state = await this.transition(modelName, origin, undefined, (current) => {
      const deployment = this.require(modelName, current);
      if (deployment.canary !== null && weightOf(deployment, deployment.canary) > 0 && deployment.stable !== null) {
        return { next: canaryDropped(deployment, 'rolled-back', reason), action: 'deployment.rollback', reason: reason ?? null };
      }
      const previous = deployment.previousStable;
      if (previous === null) {
        throw new ConflictError(`model "${modelName}" has nothing to roll back to: no canary is routed and there was no stable before version ${deployment.stable}`);
      }
      requireServable(modelName, versions, previous, 'the previous stable version');
      return {
        next: {
          ...fieldsOf(deployment),
          routes: [{ version: previous, weight: 100 }],
          stable: previous,
          canary: null,
          previousStable: deployment.stable,
          planState: stoppedPlan(deployment, 'rolled-back', reason ?? 'rolled back by an operator'),
        },
        action: 'deployment.rollback',
        reason: reason ?? null,
      };
    });
    return this.toDto(state);
  }

  async pausePlan(modelName: string, reason: string | undefined, origin: RequestOrigin): Promise<DeploymentDto> {
    return this.planAction(modelName, origin, 'plan.pause', reason, (deployment) => {
      if (deployment.planState?.status !== 'running') throw this.planNotIn(modelName, deployment, 'running');
      return { ...fieldsOf(deployment), planState: { ...deployment.planState, status: 'paused' } };
    });
  }

  /** The current step starts over: its figures count from now. */
  async resumePlan(modelName: string, reason: string | undefined, origin: RequestOrigin): Promise<DeploymentDto> {
    return this.planAction(modelName, origin, 'plan.resume', reason, (deployment) => {
      if (deployment.planState?.status !== 'paused') throw this.planNotIn(modelName, deployment, 'paused');
      return { ...fieldsOf(deployment), planState: { ...deployment.planState, status: 'running', stepStartedAt: new Date().toISOString() } };
    });
  }

  /** Stops the plan and takes the canary's traffic back to stable. */
  async abortPlan(modelName: string, reason: string | undefined, origin: RequestOrigin): Promise<DeploymentDto> {
    return this.planAction(modelName, origin, 'plan.abort', reason, (deployment) => {
      const status = deployment.planState?.status;
      if (status !== 'running' && status !== 'paused') throw this.planNotIn(modelName, deployment, 'running or paused');
      return canaryDropped(deployment, 'aborted', reason ?? 'aborted by an operator');
    });
  }

  async history(modelName: string, limit: number, offset: number): Promise<RolloutHistoryDto> {
    await this.registry.getModel(modelName);
    const { items, total } = await this.repository.history(modelName, limit, offset);
    return { items: items.map((event) => this.toEventDto(event)), total };
  }

  /**
   * Decides and stores one change of a model's deployment. `expectedRevision`: the change was
   * decided against that revision and is refused (409) if another came first (the plan runner on
   * several replicas). `decide` sees the deployment as stored, inside the transaction.
   */
  async transition(
    modelName: string,
    origin: RequestOrigin,
    expectedRevision: number | undefined,
    decide: (current: DeploymentState | undefined) => DeploymentChange,
  ): Promise<DeploymentState> {
    const { state, action } = await this.transactions.run(async (transaction) => {
      const modelId = await this.repository.lockModel(transaction, modelName);
      if (modelId === undefined) throw new NotFoundError(`model "${modelName}" not found; GET /api/models lists the models`);
      const current = await this.repository.find(modelName, transaction);
      if (expectedRevision !== undefined && current?.revision !== expectedRevision) {
        throw new ConflictError(`the deployment of "${modelName}" changed meanwhile (revision ${current?.revision ?? 'none'}, expected ${expectedRevision})`);
      }
      const change = decide(current);
      const next: DeploymentState = {
        ...change.next,
        modelName,
        revision: (current?.revision ?? 0) + 1,
        updatedAt: new Date().toISOString(),
        updatedBy: origin.actor,
      };
      await this.repository.save(transaction, modelId, next, {
        revision: next.revision,
        actor: origin.actor,
        action: change.action,
        reason: change.reason ?? null,
        deployment: next,
        details: change.details ?? null,
      });
      await this.audit.record(
        origin,
        { action: change.action, target: `deployment:${modelName}`, changes: { revision: next.revision, routes: next.routes, reason: change.reason ?? null } },
        transaction,
      );
      return { state: next, action: change.action };
    });
    this.router.apply(state);
    this.metrics.changed(modelName, action);
    return state;
  }

  toDto(state: DeploymentState): DeploymentDto {
    const routes = state.routes.map((route) => ({ ...route, serving: this.modelServer.find(state.modelName, route.version)?.state ?? 'not loaded' }));
    const planState =
      state.planState === null || state.plan === null ? null : { ...state.planState, weight: state.plan.steps[state.planState.step] ?? 100 };
    return {
      model: state.modelName,
      revision: state.revision,
      routes,
      stable: state.stable,
      canary: state.canary,
      previousStable: state.previousStable,
      shadow: state.shadow,
      fallback: state.fallback,
      sticky: state.sticky,
      plan: state.plan,
      planState,
      updatedAt: state.updatedAt,
      updatedBy: state.updatedBy,
    };
  }

  private toEventDto(event: RolloutEventRow) {
    return {
      id: event.id,
      at: event.at.toISOString(),
      revision: event.revision,
      actor: event.actor,
      action: event.action,
      reason: event.reason,
      deployment: this.toDto(event.deployment),
      ...(event.details !== null ? { details: event.details } : {}),
    };
  }

  private async planAction(
    modelName: string,
    origin: RequestOrigin,
    action: string,
    reason: string | undefined,
    decide: (deployment: DeploymentState) => DeploymentFields,
  ): Promise<DeploymentDto> {
    await this.registry.getModel(modelName);
    const state = await this.transition(modelName, origin, undefined, (current) => ({
      next: decide(this.require(modelName, current)),
      action,
      reason: reason ?? null,
    }));
    return this.toDto(state);
  }

  private planNotIn(modelName: string, deployment: DeploymentState, wanted: string): ConflictError {
    if (deployment.planState === null) return new ConflictError(`the deployment of "${modelName}" has no plan; PUT one with a "plan" first`);
    return new ConflictError(`the plan of "${modelName}" is ${deployment.planState.status}, not ${wanted}`);
  }

  private require(modelName: string, current: DeploymentState | undefined): DeploymentState {
    if (current === undefined) throw new NotFoundError(`model "${modelName}" has no deployment; PUT /api/models/${modelName}/deployment to create one`);
    return current;
  }

  private async versionsOf(modelName: string): Promise<Map<number, VersionDto>> {
    return new Map((await this.registry.listVersions(modelName)).map((version) => [version.version, version]));
  }
}

function fieldsOf(state: DeploymentState): DeploymentFields {
  const { modelName: _model, revision: _revision, updatedAt: _at, updatedBy: _by, ...fields } = state;
  return fields;
}

/** The canary takes all traffic and becomes stable; a plan in progress ends as promoted. */
export function promoted(deployment: DeploymentState, reason?: string): DeploymentFields {
  const canary = deployment.canary!;
  return {
    ...fieldsOf(deployment),
    routes: [{ version: canary, weight: 100 }],
    stable: canary,
    canary: null,
    previousStable: deployment.stable,
    planState: stoppedPlan(deployment, 'promoted', reason),
  };
}

/** Stable takes all traffic back; the canary keeps its label at weight 0 so its figures stay readable. */
export function canaryDropped(deployment: DeploymentState, status: 'rolled-back' | 'aborted', reason?: string): DeploymentFields {
  const stable = deployment.stable!;
  const routes: TrafficRoute[] = [{ version: stable, weight: 100 }];
  if (deployment.canary !== null && deployment.canary !== stable) routes.push({ version: deployment.canary, weight: 0 });
  return { ...fieldsOf(deployment), routes, planState: stoppedPlan(deployment, status, reason) };
}

function stoppedPlan(deployment: DeploymentState, status: 'promoted' | 'rolled-back' | 'aborted', reason?: string): DeploymentState['planState'] {
  const planState = deployment.planState;
  if (planState === null || (planState.status !== 'running' && planState.status !== 'paused')) return planState;
  return { ...planState, status, ...(reason !== undefined ? { reason } : {}) };
}

function requireServable(modelName: string, versions: Map<number, VersionDto>, version: number, what: string): VersionDto {
  const found = versions.get(version);
  if (found === undefined) {
    const known = [...versions.keys()].sort((a, b) => a - b);
    throw new BadRequestError(`${what}: model "${modelName}" has no version ${version} (versions: ${known.length > 0 ? known.join(', ') : 'none'})`);
  }
  if (found.status !== 'ready') throw new ConflictError(`${what}: version ${version} is ${found.status}; only ready versions can serve`);
  return found;
}

/** Versions that get traffic must be loaded here first: a switch never sends requests to a version still loading. */
function requireLoaded(modelName: string, versions: Map<number, VersionDto>, version: number, what: string): void {
  const found = requireServable(modelName, versions, version, what);
  if (found.serving.state !== 'ready') {
    throw new ConflictError(
      `${what}: version ${version} is not loaded on this server (${found.serving.state}${found.serving.reason ? `: ${found.serving.reason}` : ''}); wait until GET /api/models/${modelName}/versions/${version} says serving.state "ready"`,
    );
  }
}

/** The deployment a PUT asks for, checked against the model's versions and the current deployment. */
export function decidePut(modelName: string, dto: PutDeploymentDto, current: DeploymentState | undefined, versions: Map<number, VersionDto>): DeploymentFields {
  const routes = dto.routes.map((route) => ({ version: route.version, weight: route.weight }));
  const seen = new Set<number>();
  for (const route of routes) {
    if (seen.has(route.version)) throw new BadRequestError(`routes name version ${route.version} twice; give each version one route`);
    seen.add(route.version);
  }
  const total = routes.reduce((sum, route) => sum + route.weight, 0);
  if (total !== 100) throw new BadRequestError(`the route weights add up to ${total}; they must add up to 100`);
  routes.forEach((route, index) => {
    if (route.weight > 0) requireLoaded(modelName, versions, route.version, `routes[${index}]`);
    else requireServable(modelName, versions, route.version, `routes[${index}]`);
  });

  const routed = (version: number | null | undefined) => version !== null && version !== undefined && seen.has(version);
  let stable: number;
  if (dto.stable !== undefined) {
    if (!routed(dto.stable)) throw new BadRequestError(`stable (${dto.stable}) must be one of the routed versions (${[...seen].join(', ')})`);
    stable = dto.stable;
  } else if (current !== undefined && routed(current.stable) && weightOf({ routes }, current.stable!) > 0) {
    stable = current.stable!;
  } else {
    stable = [...routes].sort((a, b) => b.weight - a.weight || a.version - b.version)[0].version;
  }
  let canary: number | null = null;
  if (dto.canary !== undefined) {
    if (!routed(dto.canary)) throw new BadRequestError(`canary (${dto.canary}) must be one of the routed versions (${[...seen].join(', ')})`);
    if (dto.canary === stable) throw new BadRequestError(`canary and stable are both version ${stable}; label two different versions`);
    canary = dto.canary;
  } else if (routes.length === 2) {
    canary = routes.find((route) => route.version !== stable)!.version;
  }

  let plan: PlanSpec | null = null;
  if (dto.plan !== undefined) {
    if (canary === null || routes.length !== 2) {
      throw new BadRequestError('a plan moves traffic between two versions: give exactly two routes, the stable version and the canary');
    }
    const steps = dto.plan.steps;
    steps.forEach((step, index) => {
      if (index > 0 && step <= steps[index - 1]) throw new BadRequestError(`plan.steps must increase, got ${steps.join(', ')}`);
    });
    if (steps[steps.length - 1] !== 100) throw new BadRequestError(`plan.steps must end at 100 (the canary promoted), got ${steps.join(', ')}`);
    if (weightOf({ routes }, canary) !== steps[0]) {
      throw new BadRequestError(
        `with a plan, the canary starts at the plan's first step: give version ${canary} weight ${steps[0]} and version ${stable} weight ${100 - steps[0]}`,
      );
    }
    plan = {
      steps: [...steps],
      minRequests: dto.plan.minRequests ?? DEFAULT_PLAN.minRequests,
      minDurationSeconds: dto.plan.minDurationSeconds ?? DEFAULT_PLAN.minDurationSeconds,
      gates: { ...(dto.plan.gates ?? {}) },
    };
  }

  routes.forEach((route, index) => {
    if (route.weight > 0) requireStableInputs(modelName, versions, stable, route.version, `routes[${index}]`);
  });
  const stableChanged = current !== undefined && current.stable !== null && current.stable !== stable;
  return {
    routes,
    stable,
    canary,
    previousStable: stableChanged ? current.stable : (current?.previousStable ?? null),
    shadow: dto.shadow ? checkedShadow(modelName, dto.shadow, routes, stable, versions) : null,
    fallback: dto.fallback ? checkedFallback(modelName, dto.fallback, stable, versions) : null,
    sticky: dto.sticky ?? current?.sticky ?? 'header',
    plan,
    planState: plan === null ? null : { status: 'running', step: 0, stepStartedAt: new Date().toISOString() },
  };
}

/** The deployment a PATCH asks for: the options it names changed, everything else as stored. */
export function decidePatch(modelName: string, dto: PatchDeploymentDto, current: DeploymentState, versions: Map<number, VersionDto>): DeploymentFields {
  const fields = fieldsOf(current);
  return {
    ...fields,
    shadow: dto.shadow === undefined ? fields.shadow : dto.shadow === null ? null : checkedShadow(modelName, dto.shadow, fields.routes, fields.stable, versions),
    fallback: dto.fallback === undefined ? fields.fallback : dto.fallback === null ? null : checkedFallback(modelName, dto.fallback, fields.stable, versions),
    sticky: dto.sticky ?? fields.sticky,
  };
}

/** A shadow must be loaded here and must not be routed: its copies are compared with another version's answers. */
function checkedShadow(modelName: string, shadow: ShadowDto, routes: TrafficRoute[], stable: number | null, versions: Map<number, VersionDto>): DeploymentState['shadow'] {
  requireLoaded(modelName, versions, shadow.version, 'shadow.version');
  requireStableInputs(modelName, versions, stable, shadow.version, 'shadow.version');
  if (weightOf({ routes }, shadow.version) > 0) {
    throw new BadRequestError(`the shadow (version ${shadow.version}) already receives traffic; shadow a version that is not routed`);
  }
  return { version: shadow.version, percent: shadow.percent };
}

function checkedFallback(modelName: string, fallback: FallbackDto, stable: number | null, versions: Map<number, VersionDto>): DeploymentState['fallback'] {
  requireLoaded(modelName, versions, fallback.version, 'fallback.version');
  requireStableInputs(modelName, versions, stable, fallback.version, 'fallback.version');
  return {
    version: fallback.version,
    errorThreshold: fallback.errorThreshold ?? DEFAULT_FALLBACK.errorThreshold,
    openSeconds: fallback.openSeconds ?? DEFAULT_FALLBACK.openSeconds,
  };
}
