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
    sticky: deployment.sticky,
    ...(deployment.shadow ? { shadow: deployment.shadow } : {}),
    ...(deployment.fallback ? { fallback: deployment.fallback } : {}),
    ...(change.plan ? { plan: change.plan } : {}),
    ...(change.reason ? { reason: change.reason } : {}),
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
