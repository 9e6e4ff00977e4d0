/**
 * What a progressive plan does next, decided from the canary's and stable's figures of the current
 * step: pure, so every rule is tested without a server or a clock.
 */
import type { GateFigures, PlanGates, PlanSpec, PlanState } from '../deployment-state';

export type GateName = keyof PlanGates;

/** The order gates are judged in; the first breached one names the rollback. */
export const GATE_ORDER: readonly GateName[] = ['maxErrorRate', 'maxErrorRateIncrease', 'maxP95Ms', 'maxP99Ms', 'maxLatencyRatio', 'maxP99Ratio'];

export type PlanDecision =
  /** Nothing to do yet; `reason` says what the step still needs. */
  | { kind: 'wait'; reason: string }
  /** A gate is breached: the canary goes back to 0. */
  | { kind: 'rollback'; gate: GateName; limit: number; reason: string }
  /** The step passed: the canary goes to `weight`, the plan's step `step`. */
  | { kind: 'advance'; step: number; weight: number; reason: string }
  /** The step passed and the next one is 100: the canary becomes stable. */
  | { kind: 'promote'; reason: string };

export interface PlanFigures {
  canary: GateFigures;
  stable: GateFigures;
}

type GateVerdict = { breached: false; unjudged?: string } | { breached: true; reason: string };

/**
 * The rules, in order:
 * 1. A plan that is not running does nothing.
 * 2. Until the canary has `minRequests` requests in the step, nothing is judged (too few to tell).
 * 3. Then every gate is judged on the step's figures; the first breached one rolls the canary back.
 *    Relative gates (maxErrorRateIncrease, maxLatencyRatio, maxP99Ratio) compare with stable and wait while
 *    stable has no request in the step.
 * 4. All gates pass and the step has lasted `minDurationSeconds`: the canary goes to the next step,
 *    or is promoted when that step is the last (100).
 */
export function decidePlanStep(plan: PlanSpec, state: PlanState, figures: PlanFigures, now: number): PlanDecision {
  if (state.status !== 'running') return { kind: 'wait', reason: `the plan is ${state.status}` };
  const weight = plan.steps[state.step] ?? 100;
  const stepName = `step ${state.step + 1} of ${plan.steps.length} (${weight}%)`;
  const { canary } = figures;
  if (canary.requests < plan.minRequests) {
    return { kind: 'wait', reason: `${stepName} has ${canary.requests} of the ${plan.minRequests} canary requests it needs` };
  }
  const waiting: string[] = [];
  for (const gate of GATE_ORDER) {
    const limit = plan.gates[gate];
    if (limit === undefined) continue;
    const verdict = judgeGate(gate, limit, figures);
    if (verdict.breached) return { kind: 'rollback', gate, limit, reason: verdict.reason };
    if (verdict.unjudged !== undefined) waiting.push(verdict.unjudged);
  }
  if (waiting.length > 0) return { kind: 'wait', reason: `${stepName}: ${waiting.join('; ')}` };
  const elapsedSeconds = (now - Date.parse(state.stepStartedAt)) / 1000;
  if (!(elapsedSeconds >= plan.minDurationSeconds)) {
    return { kind: 'wait', reason: `${stepName} has lasted ${Math.max(0, elapsedSeconds).toFixed(1)} of its ${plan.minDurationSeconds} seconds` };
  }
  const passed = `${stepName} passed its gates with ${canary.requests} canary requests (${canary.errors} errors)`;
  const next = state.step + 1;
  if (next >= plan.steps.length - 1) return { kind: 'promote', reason: `${passed}; the canary is promoted` };
  return { kind: 'advance', step: next, weight: plan.steps[next], reason: `${passed}; the canary goes to ${plan.steps[next]}%` };
}

function judgeGate(gate: GateName, limit: number, { canary, stable }: PlanFigures): GateVerdict {
  const canaryErrors = `canary ${canary.errors} errors in ${canary.requests} requests`;
  switch (gate) {
    case 'maxErrorRate': {
      const rate = canary.errorRate ?? 0;
      if (rate <= limit) return { breached: false };
      return { breached: true, reason: `error rate ${rate.toFixed(3)} over the limit ${limit} (${canaryErrors})` };
    }
    case 'maxErrorRateIncrease': {
      if (stable.requests === 0) return { breached: false, unjudged: 'stable has no requests yet to compare the error rate with' };
      const rate = canary.errorRate ?? 0;
      const stableRate = stable.errorRate ?? 0;
      if (rate - stableRate <= limit) return { breached: false };
      return {
        breached: true,
        reason:
          `error rate ${rate.toFixed(3)} is ${(rate - stableRate).toFixed(3)} above stable's ${stableRate.toFixed(3)}, ` +
          `over the allowed increase ${limit} (${canaryErrors}; stable ${stable.errors} in ${stable.requests})`,
      };
    }
    case 'maxP95Ms':
    case 'maxP99Ms': {
      const name = gate === 'maxP95Ms' ? 'p95' : 'p99';
      const latency = (gate === 'maxP95Ms' ? canary.p95Ms : canary.p99Ms) ?? 0;
      if (latency <= limit) return { breached: false };
      return { breached: true, reason: `${name} latency ${latency.toFixed(1)} ms over the limit ${limit} ms (canary, ${canary.requests} requests)` };
    }
    case 'maxLatencyRatio':
    case 'maxP99Ratio': {
      const name = gate === 'maxLatencyRatio' ? 'p95' : 'p99';
      const of = (figures: GateFigures) => (gate === 'maxLatencyRatio' ? figures.p95Ms : figures.p99Ms);
      const stableLatency = of(stable);
      if (stable.requests === 0 || stableLatency === null || stableLatency <= 0) {
        return { breached: false, unjudged: 'stable has no requests yet to compare the latency with' };
      }
      const canaryLatency = of(canary) ?? 0;
      const ratio = canaryLatency / stableLatency;
      if (ratio <= limit) return { breached: false };
      return {
        breached: true,
        reason:
          `${name} latency ${canaryLatency.toFixed(1)} ms is ${ratio.toFixed(2)} times stable's ${stableLatency.toFixed(1)} ms, ` +
          `over the limit ${limit} (canary ${canary.requests} requests, stable ${stable.requests})`,
      };
    }
  }
}
