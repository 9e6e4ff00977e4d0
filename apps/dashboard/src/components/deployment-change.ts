import type { Schemas } from '../api';

type Deployment = Schemas['DeploymentDto'];
type PutDeployment = Schemas['PutDeploymentDto'];

/**
 * The PUT body that moves a deployment's traffic between a stable and a canary version. A PUT
 * replaces the whole deployment, so what the dashboard does not edit here (shadow, fallback,
 * sticky routing) is sent back as it is; a plan only when one is given.
 */
export function canarySplit(
  deployment: Deployment,
  change: { stable: number; canary: number; canaryWeight: number; plan?: Schemas['PlanDto']; reason?: string },
): PutDeployment {
  return {
    routes: [
      { version: change.stable, weight: 100 - change.canaryWeight },
      { version: change.canary, weight: change.canaryWeight },
    ],
    stable: change.stable,
    canary: change.canary,
    ...keptOptions(deployment),
    ...(change.plan ? { plan: change.plan } : {}),
    ...(change.reason ? { reason: change.reason } : {}),
  };
}

/** A PUT replaces the whole deployment: the options a traffic change does not edit go back as they are. */
function keptOptions(deployment: Deployment): Pick<PutDeployment, 'sticky' | 'shadow' | 'fallback'> {
  return {
    sticky: deployment.sticky,
    ...(deployment.shadow ? { shadow: deployment.shadow } : {}),
    ...(deployment.fallback ? { fallback: deployment.fallback } : {}),
  };
}

/** What the dashboard's shadow, fallback and sticky form holds. A version of undefined means none. */
export interface OptionsForm {
  shadowVersion: number | undefined;
  shadowPercent: number;
  fallbackVersion: number | undefined;
  errorThreshold: number;
  openSeconds: number;
  sticky: Deployment['sticky'];
  reason: string;
}

/** The form as the deployment stands, with the API's defaults where it has no shadow or fallback. */
export function optionsFormOf(deployment: Deployment): OptionsForm {
  return {
    shadowVersion: deployment.shadow?.version,
    shadowPercent: deployment.shadow?.percent ?? 10,
    fallbackVersion: deployment.fallback?.version,
    errorThreshold: deployment.fallback?.errorThreshold ?? 5,
    openSeconds: deployment.fallback?.openSeconds ?? 30,
    sticky: deployment.sticky,
    reason: '',
  };
}

/**
 * The PATCH body that takes the deployment to the form: only what differs is sent (null removes a
 * shadow or a fallback), so another operator's change to the rest is not undone; undefined when
 * nothing differs. The routes and a running plan are not touched by a PATCH.
 */
export function optionsChange(deployment: Deployment, form: OptionsForm): Schemas['PatchDeploymentDto'] | undefined {
  const change: Schemas['PatchDeploymentDto'] = {};
  const shadow = form.shadowVersion === undefined ? null : { version: form.shadowVersion, percent: form.shadowPercent };
  if (shadow?.version !== deployment.shadow?.version || shadow?.percent !== deployment.shadow?.percent) change.shadow = shadow;
  const fallback = form.fallbackVersion === undefined ? null : { version: form.fallbackVersion, errorThreshold: form.errorThreshold, openSeconds: form.openSeconds };
  const current = deployment.fallback;
  if (fallback?.version !== current?.version || fallback?.errorThreshold !== current?.errorThreshold || fallback?.openSeconds !== current?.openSeconds) change.fallback = fallback;
  if (form.sticky !== deployment.sticky) change.sticky = form.sticky;
  if (Object.keys(change).length === 0) return undefined;
  return form.reason.trim() ? { ...change, reason: form.reason.trim() } : change;
}

/**
 * The PUT body that splits the traffic among versions by the weights given (A/B, or blue-green
 * with one at 100). Versions at 0 that were routed stay as routes of weight 0; others at 0 are left
 * out. Stable stays stable while it keeps traffic (otherwise the API labels the heaviest route), and
 * the canary stays labelled while it is routed; the shadow (unless it now takes traffic, which the
 * API refuses), the fallback and sticky routing are sent back as they are. A plan is not: a split
 * set by hand replaces it.
 */
export function weightedSplit(deployment: Deployment, weights: ReadonlyMap<number, number>, reason?: string): PutDeployment {
  const routed = new Set(deployment.routes.map((route) => route.version));
  const routes = [...weights]
    .filter(([version, weight]) => weight > 0 || routed.has(version))
    .sort(([a], [b]) => a - b)
    .map(([version, weight]) => ({ version, weight }));
  const weightOf = (version: number | null | undefined) => routes.find((route) => route.version === version)?.weight ?? 0;
  const stable = deployment.stable !== null && weightOf(deployment.stable) > 0 ? deployment.stable : undefined;
  const canary = deployment.canary !== null && stable !== undefined && deployment.canary !== stable && routes.some((route) => route.version === deployment.canary) ? deployment.canary : undefined;
  return {
    routes,
    ...(stable !== undefined ? { stable } : {}),
    ...(canary !== undefined ? { canary } : {}),
    ...keptOptions(deployment),
    ...(reason?.trim() ? { reason: reason.trim() } : {}),
  };
}

/** The versions' weights, or why they cannot be sent: whole percents from 0 to 100 that sum to 100. */
export function weightsProblem(weights: ReadonlyMap<number, number>): string | undefined {
  for (const [version, weight] of weights) {
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) return `v${version}'s weight must be a whole percent from 0 to 100`;
  }
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
  return total === 100 ? undefined : `the weights add up to ${total}%; they must add up to 100%`;
}
