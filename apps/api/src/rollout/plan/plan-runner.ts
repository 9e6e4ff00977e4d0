import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { systemOrigin, type RequestOrigin } from '../../audit/request-origin';
import { ConflictError, NotFoundError } from '../../common/errors';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { TrafficRouter } from '../../inference/traffic-router';
import { VersionWindow } from '../../telemetry/series/version-window';
import type { DeploymentState, GateFigures } from '../deployment-state';
import { DeploymentService, canaryDropped, promoted, type DeploymentChange, type DeploymentFields } from '../deployment.service';
import { decidePlanStep, type PlanDecision } from './plan-rules';

/** Who the history and the audit log name for the plan's own decisions. */
export const PLAN_ORIGIN: RequestOrigin = systemOrigin('plan');

/** A plan's latest look at its step, kept in memory between decisions (GET deployment shows it). */
export interface PlanEvaluation {
  /** The deployment revision it judged. */
  revision: number;
  step: number;
  checkedAt: string;
  canary: GateFigures;
  stable: GateFigures;
  decision: PlanDecision['kind'];
  /** What the step still needs, or why it passed or failed. */
  reason: string;
}

/**
 * Runs progressive plans: every MODELGATE_ROLLOUT_INTERVAL_MS it judges each running plan of the
 * deployments this process follows (plan-rules.ts) on the canary's and stable's figures since the
 * step started, taken from the per-second VersionWindow, and moves the canary on, promotes it, or
 * rolls it back to 0 at the first breached gate.
 *
 * The figures cover the step from the second it started, but at most the VersionWindow's last half
 * hour: a longer step is judged on its latest half hour.
 *
 * Nothing is written while a step only waits: the latest figures stay in memory
 * (`lastEvaluation`). A decision is stored through DeploymentService.transition against the
 * revision it judged, so it is refused (and dropped here) if the deployment changed meanwhile: an
 * operator's pause or edit, or another replica's decision.
 *
 * Several replicas: each judges the traffic share it serves itself (figures are per process, not
 * shared), and the first to decide wins; the others see a new revision, and therefore a new step
 * or a stopped plan, through LISTEN/NOTIFY. With the load spread evenly, each replica reaches a
 * step's minRequests at about the same time.
 *
 * Restarts: the plan lives in Postgres (plan_state) and the runner continues from it: the step and
 * its stepStartedAt stay as they were. The figures this process had before it stopped are gone, so
 * after a restart the step counts only requests served since then and needs minRequests again
 * (minDurationSeconds still counts from stepStartedAt).
 */
@Injectable()
export class PlanRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PlanRunner');
  private readonly evaluations = new Map<string, PlanEvaluation>();
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly router: TrafficRouter,
    private readonly window: VersionWindow,
    private readonly deployments: DeploymentService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      // A pass slower than the interval (a slow database) is not overlapped by the next one.
      if (this.pass !== undefined) return;
      this.pass = this.runOnce().finally(() => (this.pass = undefined));
    }, this.config.rolloutIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  /** The latest evaluation of a model's running plan, or undefined when none runs or none was judged yet. */
  lastEvaluation(modelName: string): PlanEvaluation | undefined {
    const evaluation = this.evaluations.get(modelName);
    const state = this.router.deployment(modelName);
    if (evaluation === undefined || state?.revision !== evaluation.revision) return undefined;
    return evaluation;
  }

  /** Judges every running plan once; a failure on one model is logged and leaves the others. */
  async runOnce(now = Date.now()): Promise<void> {
    const running = this.router.all().filter((state) => state.plan !== null && state.planState?.status === 'running');
    const names = new Set(running.map((state) => state.modelName));
    for (const name of this.evaluations.keys()) if (!names.has(name)) this.evaluations.delete(name);
    for (const state of running) {
      try {
        await this.evaluate(state, now);
      } catch (error) {
        this.logger.warn(`could not judge the plan of "${state.modelName}": ${(error as Error).message}`);
      }
    }
  }

  private async evaluate(state: DeploymentState, now: number): Promise<void> {
    const plan = state.plan!;
    const planState = state.planState!;
    if (state.canary === null || state.stable === null) return;
    const since = Date.parse(planState.stepStartedAt);
    const canary = this.window.since(state.modelName, state.canary, since, now);
    const stable = this.window.since(state.modelName, state.stable, since, now);
    const decision = decidePlanStep(plan, planState, { canary, stable }, now);
    const checkedAt = new Date(now).toISOString();
    this.evaluations.set(state.modelName, { revision: state.revision, step: planState.step, checkedAt, canary, stable, decision: decision.kind, reason: decision.reason });
    if (decision.kind === 'wait') return;

    const figures = { canary, stable, checkedAt };
    try {
      await this.deployments.transition(state.modelName, PLAN_ORIGIN, state.revision, (current) => planChange(current!, decision, figures, checkedAt));
    } catch (error) {
      // Another replica or an operator changed the deployment first; the next pass judges the new one.
      if (error instanceof ConflictError || error instanceof NotFoundError) return;
      throw error;
    }
    if (decision.kind === 'rollback') this.logger.warn(`rolled back the canary of "${state.modelName}": ${decision.reason}`);
    else this.logger.log(`${decision.kind === 'promote' ? 'promoted' : 'advanced'} the canary of "${state.modelName}": ${decision.reason}`);
  }
}

/** The stored change for a decision, made from the deployment as stored (the revision judged). */
function planChange(
  current: DeploymentState,
  decision: Exclude<PlanDecision, { kind: 'wait' }>,
  figures: { canary: GateFigures; stable: GateFigures; checkedAt: string },
  now: string,
): DeploymentChange {
  // A stopped plan keeps the figures it stopped on.
  const withFigures = (fields: DeploymentFields): DeploymentFields => ({
    ...fields,
    planState: fields.planState === null ? null : { ...fields.planState, ...figures },
  });
  const details = { canary: figures.canary, stable: figures.stable };
  switch (decision.kind) {
    case 'rollback':
      return {
        next: withFigures(canaryDropped(current, 'rolled-back', decision.reason)),
        action: 'plan.rollback',
        reason: decision.reason,
        details: { ...details, gate: decision.gate, limit: decision.limit },
      };
    case 'promote':
      return { next: withFigures(promoted(current, decision.reason)), action: 'plan.promote', reason: decision.reason, details };
    case 'advance': {
      const { modelName: _model, revision: _revision, updatedAt: _at, updatedBy: _by, ...fields } = current;
      // The new step starts without figures; those that passed the last one are in the history.
      const { canary: _canary, stable: _stable, checkedAt: _checked, ...planState } = current.planState!;
      const nextWeight = (version: number, weight: number) =>
        version === current.canary ? decision.weight : version === current.stable ? 100 - decision.weight : weight;
      return {
        next: {
          ...fields,
          routes: current.routes.map((route) => ({ version: route.version, weight: nextWeight(route.version, route.weight) })),
          planState: { ...planState, step: decision.step, stepStartedAt: now },
        },
        action: 'plan.advance',
        reason: decision.reason,
        details: { ...details, step: decision.step, weight: decision.weight },
      };
    }
  }
}
