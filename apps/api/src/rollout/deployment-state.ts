/**
 * A model's deployment as stored and as the router follows it: which versions answer unpinned
 * requests and with what share, the `stable` and `canary` labels, an optional shadow copy, an
 * optional fallback, and an optional progressive plan with its progress. Plain data: the same
 * object is stored as JSON, sent over the API, and compiled into the in-memory router.
 */

export interface TrafficRoute {
  version: number;
  /** Percent of unpinned requests, 0-100; the routes of a deployment sum to 100. */
  weight: number;
}

/** A share of traffic copied to a version after the real answer is sent, to compare answers. */
export interface ShadowSpec {
  version: number;
  /** Percent of unpinned requests copied, 0 < percent <= 100. */
  percent: number;
}

/** A version that answers when the routed one is overloaded or failing (circuit breaker). */
export interface FallbackSpec {
  version: number;
  /** Consecutive failures of a routed version that open its circuit. */
  errorThreshold: number;
  /** How long an open circuit sends that version's traffic to the fallback before trying it again. */
  openSeconds: number;
}

/**
 * How a client keeps seeing the same version while the weights stay the same:
 * `header` by its X-Routing-Key header (clients without one are spread by weight per request),
 * `key` by that header or else the API key or operator that calls, `none` never.
 */
export type StickyBy = 'header' | 'key' | 'none';
export const STICKY_MODES: readonly StickyBy[] = ['header', 'key', 'none'];

/** Limits the canary must stay within during every step; absent limits are not checked. */
export interface PlanGates {
  /** Largest share of the canary's requests answered with a server error (0.01 = 1%). */
  maxErrorRate?: number;
  /** Largest amount by which the canary's error rate may exceed stable's (0.01 = 1 point). */
  maxErrorRateIncrease?: number;
  /** Largest canary p95 / p99 latency, in ms. */
  maxP95Ms?: number;
  maxP99Ms?: number;
  /** Largest canary p95 over stable's p95 (1.5 = 50% slower), checked when stable has requests too. */
  maxLatencyRatio?: number;
  /** The same for p99: largest canary p99 over stable's p99. */
  maxP99Ratio?: number;
}

/** Progressive delivery: the canary's weight goes through `steps`, each held until it has proved itself. */
export interface PlanSpec {
  /** Canary weights, increasing, ending at 100 (reaching 100 promotes the canary). */
  steps: number[];
  /** Canary requests a step needs before it can pass (and before its gates are judged). */
  minRequests: number;
  /** Seconds a step lasts at least. */
  minDurationSeconds: number;
  gates: PlanGates;
}

export type PlanStatus = 'running' | 'paused' | 'promoted' | 'rolled-back' | 'aborted';

/** The canary's and stable's figures when a plan last looked, kept with its decisions. */
export interface GateFigures {
  requests: number;
  errors: number;
  errorRate: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface PlanState {
  status: PlanStatus;
  /** Index into the plan's steps of the weight the canary has now. */
  step: number;
  /** When the current step began (ISO time); its figures count from here. */
  stepStartedAt: string;
  /** Why the plan stopped (a breached gate with its numbers, an operator's abort). */
  reason?: string;
  /** Figures of the last evaluation. */
  canary?: GateFigures;
  stable?: GateFigures;
  checkedAt?: string;
}

export interface DeploymentState {
  modelName: string;
  /** Bumped by every change; a change names the revision it was made against. */
  revision: number;
  routes: TrafficRoute[];
  /** Labels, usable in TF Serving's /labels/{label} paths. */
  stable: number | null;
  canary: number | null;
  /** The stable before the last change of stable, where a rollback goes back to. */
  previousStable: number | null;
  shadow: ShadowSpec | null;
  fallback: FallbackSpec | null;
  sticky: StickyBy;
  plan: PlanSpec | null;
  planState: PlanState | null;
  updatedAt: string;
  updatedBy: string | null;
}

/** Labels a deployment gives versions, usable in TF Serving's `/labels/{label}` paths. */
export const DEPLOYMENT_LABELS = ['stable', 'canary'] as const;
export type DeploymentLabel = (typeof DEPLOYMENT_LABELS)[number];

/** The version a label points to, or null. */
export function labelVersion(state: DeploymentState, label: DeploymentLabel): number | null {
  return label === 'stable' ? state.stable : state.canary;
}

/** The weight a deployment gives a version (0 when it is not routed). */
export function weightOf(state: Pick<DeploymentState, 'routes'>, version: number): number {
  return state.routes.find((route) => route.version === version)?.weight ?? 0;
}

/**
 * Why a version may not be deleted or retired now: the parts of the deployment that still use it
 * (empty when none).
 */
export function usesOf(state: DeploymentState, version: number): string[] {
  const uses: string[] = [];
  const weight = weightOf(state, version);
  if (weight > 0) uses.push(`routed at weight ${weight}`);
  if (state.stable === version) uses.push('labelled stable');
  if (state.canary === version && weight > 0) uses.push('labelled canary');
  if (state.shadow?.version === version) uses.push('the shadow');
  if (state.fallback?.version === version) uses.push('the fallback');
  return uses;
}
