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
