import { Injectable, OnModuleInit } from '@nestjs/common';
import { TrafficRouter } from '../inference/traffic-router';
import { CollectedFamily, type MetricSample } from '../telemetry/metrics/metric-families';
import { ServingMetrics } from '../telemetry/metrics/serving-metrics';
import type { DeploymentState } from './deployment-state';

/** The action of an automatic rollback: a progressive plan's checks failed and it rolled its canary back. */
export const AUTOMATIC_ROLLBACK = 'plan.rollback';

/**
 * Actions every followed model exports from 0, so that Prometheus sees their first change as an
 * increase (a counter series that appears at 1 reads as no increase to `increase()` and `rate()`):
 * the two rollbacks, automatic (the ModelgateAutomaticRollback alert) and by an operator.
 */
const ACTIONS_FROM_ZERO = [AUTOMATIC_ROLLBACK, 'deployment.rollback'] as const;

/**
 * Deployments in Prometheus, read at scrape time from the deployments this replica follows (the
 * router's, kept in step by DeploymentSync), so that Grafana shows the traffic split beside the
 * latency it causes and an alert fires when a rollout rolls itself back:
 *
 * - `modelgate_deployment_traffic_ratio{model, version, role}`: the share of a model's unpinned
 *   requests its deployment routes to a version (0 to 1), with the version's role: `stable`,
 *   `canary`, or `weighted` (another version of a split);
 * - `modelgate_deployment_shadow_ratio{model, version}`: the share of them copied to the shadow;
 * - `modelgate_deployment_revision{model}`: the revision this replica follows; replicas that
 *   disagree for long have lost their notifications (docs/rollout.md, "Many replicas");
 * - `modelgate_deployment_changes_total{model, action}`: changes made on this replica, by history
 *   action (`deployment.update`, `deployment.rollback`, `plan.advance`, `plan.rollback`...): each
 *   change counts once, on the replica that made it, so the sum over replicas is every change.
 *   A model's counts go with its deployment (the model deleted).
 */
@Injectable()
export class DeploymentMetrics implements OnModuleInit {
  private readonly changes = new Map<string, Map<string, number>>();

  constructor(
    private readonly metrics: ServingMetrics,
    private readonly router: TrafficRouter,
  ) {}

  onModuleInit(): void {
    const family = (name: string, help: string, type: 'counter' | 'gauge', collect: () => MetricSample[]) =>
      this.metrics.register(new CollectedFamily(name, help, type, collect));
    family(
      'modelgate_deployment_traffic_ratio',
      "Share of a model's unpinned requests its deployment routes to a version (0 to 1), by the version's role: stable, canary or weighted",
      'gauge',
      () => this.router.all().flatMap(trafficSamples),
    );
    family("modelgate_deployment_shadow_ratio", "Share of a model's unpinned requests its deployment copies to its shadow version (0 to 1)", 'gauge', () =>
      this.router.all().flatMap((state) => (state.shadow === null ? [] : [{ labels: { model: state.modelName, version: String(state.shadow.version) }, value: state.shadow.percent / 100 }])),
    );
    family('modelgate_deployment_revision', 'Revision of the deployment of a model that this replica follows', 'gauge', () =>
      this.router.all().map((state) => ({ labels: { model: state.modelName }, value: state.revision })),
    );
    family(
      'modelgate_deployment_changes_total',
      'Changes to deployments made on this replica, by history action (plan.rollback: a progressive rollout rolled its canary back on its own)',
      'counter',
      () => this.changeSamples(),
    );
  }

  /** A change to `model`'s deployment was committed on this replica. */
  changed(model: string, action: string): void {
    let actions = this.changes.get(model);
    if (actions === undefined) this.changes.set(model, (actions = new Map()));
    actions.set(action, (actions.get(action) ?? 0) + 1);
  }

  /** The counts of the models followed now; those of models no longer followed are dropped. */
  private changeSamples(): MetricSample[] {
    const samples: MetricSample[] = [];
    const followed = new Set<string>();
    for (const state of this.router.all()) {
      const model = state.modelName;
      followed.add(model);
      const actions = this.changes.get(model);
      for (const action of ACTIONS_FROM_ZERO) if (!actions?.has(action)) samples.push({ labels: { model, action }, value: 0 });
      for (const [action, value] of actions ?? []) samples.push({ labels: { model, action }, value });
    }
    for (const model of this.changes.keys()) if (!followed.has(model)) this.changes.delete(model);
    return samples;
  }
}

/** The routed versions of a deployment, with their share of its traffic and their role. */
export function trafficSamples(state: DeploymentState): MetricSample[] {
  const total = state.routes.reduce((sum, route) => sum + route.weight, 0);
  if (total <= 0) return [];
  return state.routes
    .filter((route) => route.weight > 0)
    .map((route) => ({
      labels: { model: state.modelName, version: String(route.version), role: route.version === state.stable ? 'stable' : route.version === state.canary ? 'canary' : 'weighted' },
      value: route.weight / total,
    }));
}
