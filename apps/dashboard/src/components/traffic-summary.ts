import type { Schemas } from '../api';

type Deployment = Schemas['DeploymentDto'];

export interface TrafficSummary {
  /** The routed versions, by version: `v2 10%`, with their role where they have one. */
  routes: Array<{ text: string; role: 'stable' | 'canary' | null }>;
  /** A plan's state and how far it got: `running`, `step 2 of 3`; `rolled-back`, `ended at step 2 of 3`. */
  plan: { status: string; progress: string } | null;
  /** `shadow v3 (25%)` when a version gets copies. */
  shadow: string | null;
  /** Without a deployment: what answers unpinned requests. */
  unrouted: string | null;
}

/**
 * One model's row of the models list: how its unpinned traffic is split now, or, without a
 * deployment, that its latest ready version answers (`latestVersion`: the newest upload, 0 for none).
 */
export function trafficSummary(deployment: Deployment | undefined, latestVersion: number): TrafficSummary {
  if (deployment === undefined) {
    return { routes: [], plan: null, shadow: null, unrouted: latestVersion > 0 ? 'latest ready version' : 'no versions yet' };
  }
  const routes = deployment.routes
    .filter((route) => route.weight > 0)
    .sort((a, b) => a.version - b.version)
    .map((route) => ({
      text: `v${route.version} ${route.weight}%`,
      role: route.version === deployment.stable ? ('stable' as const) : route.version === deployment.canary ? ('canary' as const) : null,
    }));
  const state = deployment.planState;
  const steps = deployment.plan?.steps.length ?? 0;
  const active = state?.status === 'running' || state?.status === 'paused';
  const plan = state === null ? null : { status: state.status, progress: `${active ? '' : 'ended at '}step ${state.step + 1} of ${steps}` };
  const shadow = deployment.shadow === null ? null : `shadow v${deployment.shadow.version} (${deployment.shadow.percent}%)`;
  return { routes, plan, shadow, unrouted: null };
}
