import type { GateFigures, PlanGates, PlanSpec, PlanState } from '../deployment-state';
import { decidePlanStep, type PlanFigures } from './plan-rules';

const STARTED = Date.parse('2025-06-01T12:00:00.000Z');
const later = (seconds: number) => STARTED + seconds * 1000;

function plan(gates: PlanGates = {}, overrides: Partial<PlanSpec> = {}): PlanSpec {
  return { steps: [5, 25, 50, 100], minRequests: 100, minDurationSeconds: 60, gates, ...overrides };
}

function state(overrides: Partial<PlanState> = {}): PlanState {
  return { status: 'running', step: 0, stepStartedAt: new Date(STARTED).toISOString(), ...overrides };
}

function figures(requests: number, errors = 0, p95Ms: number | null = 10, p99Ms: number | null = 20): GateFigures {
  return { requests, errors, errorRate: requests > 0 ? errors / requests : null, p95Ms: requests > 0 ? p95Ms : null, p99Ms: requests > 0 ? p99Ms : null };
}

function both(canary: GateFigures, stable: GateFigures = figures(2000)): PlanFigures {
  return { canary, stable };
}

describe('decidePlanStep', () => {
  describe('before the step can be judged', () => {
    it.each(['paused', 'promoted', 'rolled-back', 'aborted'] as const)('does nothing while the plan is %s', (status) => {
      const decision = decidePlanStep(plan({ maxErrorRate: 0 }), state({ status }), both(figures(1000, 1000)), later(600));
      expect(decision).toEqual({ kind: 'wait', reason: `the plan is ${status}` });
    });

    it('waits for minRequests canary requests, even with a breached gate or the time passed', () => {
      const decision = decidePlanStep(plan({ maxErrorRate: 0.01 }), state(), both(figures(99, 99)), later(600));
      expect(decision).toEqual({ kind: 'wait', reason: 'step 1 of 4 (5%) has 99 of the 100 canary requests it needs' });
    });

    it('waits for minDurationSeconds once the gates pass', () => {
      const decision = decidePlanStep(plan({ maxErrorRate: 0.01 }), state(), both(figures(500)), later(30));
      expect(decision).toEqual({ kind: 'wait', reason: 'step 1 of 4 (5%) has lasted 30.0 of its 60 seconds' });
    });

    it('counts the step from stepStartedAt, not from the plan start', () => {
      const resumed = state({ step: 1, stepStartedAt: new Date(later(100)).toISOString() });
      expect(decidePlanStep(plan(), resumed, both(figures(500)), later(150)).kind).toBe('wait');
      expect(decidePlanStep(plan(), resumed, both(figures(500)), later(160)).kind).toBe('advance');
    });

    it('reads a clock behind stepStartedAt (another replica started the step) as no time elapsed', () => {
      const decision = decidePlanStep(plan(), state(), both(figures(500)), later(-2));
      expect(decision).toEqual({ kind: 'wait', reason: 'step 1 of 4 (5%) has lasted 0.0 of its 60 seconds' });
    });
  });

  describe('advancing', () => {
    it('goes to the next step once minRequests and minDurationSeconds are reached and every gate passes', () => {
      const gates = { maxErrorRate: 0.05, maxErrorRateIncrease: 0.02, maxP95Ms: 50, maxP99Ms: 100, maxLatencyRatio: 1.5 };
      const decision = decidePlanStep(plan(gates), state(), both(figures(100, 2, 12, 30), figures(1900, 1, 10, 25)), later(60));
      expect(decision).toEqual({
        kind: 'advance',
        step: 1,
        weight: 25,
        reason: 'step 1 of 4 (5%) passed its gates with 100 canary requests (2 errors); the canary goes to 25%',
      });
    });

    it('advances without gates on requests and time alone', () => {
      expect(decidePlanStep(plan(), state({ step: 1 }), both(figures(100)), later(60))).toMatchObject({ kind: 'advance', step: 2, weight: 50 });
    });

    it('promotes when the next step is the last (100)', () => {
      const decision = decidePlanStep(plan({ maxErrorRate: 0.05 }), state({ step: 2 }), both(figures(100)), later(60));
      expect(decision).toEqual({ kind: 'promote', reason: 'step 3 of 4 (50%) passed its gates with 100 canary requests (0 errors); the canary is promoted' });
    });

    it('promotes from a two-step plan at its first step', () => {
      expect(decidePlanStep(plan({}, { steps: [10, 100] }), state(), both(figures(100)), later(60)).kind).toBe('promote');
    });

    it('accepts figures exactly at a limit', () => {
      const gates = { maxErrorRate: 0.05, maxErrorRateIncrease: 0.05, maxP95Ms: 10, maxP99Ms: 20, maxLatencyRatio: 1 };
      expect(decidePlanStep(plan(gates), state(), both(figures(100, 5, 10, 20), figures(100, 0, 10, 20)), later(60)).kind).toBe('advance');
    });

    it('with minRequests 0 and no traffic, advances on time alone and judges nothing', () => {
      const decision = decidePlanStep(plan({ maxErrorRate: 0, maxP95Ms: 1 }, { minRequests: 0 }), state(), both(figures(0), figures(0)), later(60));
      expect(decision.kind).toBe('advance');
    });
  });

  describe('rolling back', () => {
    it('on an error rate over maxErrorRate, with the numbers', () => {
      const decision = decidePlanStep(plan({ maxErrorRate: 0.05 }), state(), both(figures(100, 25)), later(1));
      expect(decision).toEqual({
        kind: 'rollback',
        gate: 'maxErrorRate',
        limit: 0.05,
        reason: 'error rate 0.250 over the limit 0.05 (canary 25 errors in 100 requests)',
      });
    });

    it('at once, before minDurationSeconds has passed', () => {
      expect(decidePlanStep(plan({ maxP95Ms: 5 }), state(), both(figures(100)), later(0)).kind).toBe('rollback');
    });

    it('on an error rate too far above stable (maxErrorRateIncrease)', () => {
      const decision = decidePlanStep(plan({ maxErrorRateIncrease: 0.01 }), state(), both(figures(200, 8), figures(1000, 10)), later(60));
      expect(decision).toEqual({
        kind: 'rollback',
        gate: 'maxErrorRateIncrease',
        limit: 0.01,
        reason: "error rate 0.040 is 0.030 above stable's 0.010, over the allowed increase 0.01 (canary 8 errors in 200 requests; stable 10 in 1000)",
      });
    });

    it('not when the canary errs as much as stable does (maxErrorRateIncrease)', () => {
      expect(decidePlanStep(plan({ maxErrorRateIncrease: 0.01 }), state(), both(figures(200, 8), figures(1000, 40)), later(60)).kind).toBe('advance');
    });

    it('on p95 over maxP95Ms', () => {
      const decision = decidePlanStep(plan({ maxP95Ms: 50 }), state(), both(figures(100, 0, 80.04, 90)), later(60));
      expect(decision).toEqual({ kind: 'rollback', gate: 'maxP95Ms', limit: 50, reason: 'p95 latency 80.0 ms over the limit 50 ms (canary, 100 requests)' });
    });

    it('on p99 over maxP99Ms', () => {
      const decision = decidePlanStep(plan({ maxP95Ms: 50, maxP99Ms: 100 }), state(), both(figures(100, 0, 40, 250)), later(60));
      expect(decision).toMatchObject({ kind: 'rollback', gate: 'maxP99Ms', limit: 100, reason: 'p99 latency 250.0 ms over the limit 100 ms (canary, 100 requests)' });
    });

    it("on a p95 too many times stable's (maxLatencyRatio)", () => {
      const decision = decidePlanStep(plan({ maxLatencyRatio: 1.5 }), state(), both(figures(100, 0, 30), figures(1000, 0, 12)), later(60));
      expect(decision).toEqual({
        kind: 'rollback',
        gate: 'maxLatencyRatio',
        limit: 1.5,
        reason: "p95 latency 30.0 ms is 2.50 times stable's 12.0 ms, over the limit 1.5 (canary 100 requests, stable 1000)",
      });
    });

    it("on a p99 too many times stable's (maxP99Ratio), with p95 within its ratio", () => {
      const gates = { maxLatencyRatio: 1.5, maxP99Ratio: 2 };
      const decision = decidePlanStep(plan(gates), state(), both(figures(100, 0, 12, 90), figures(1000, 0, 10, 30)), later(60));
      expect(decision).toEqual({
        kind: 'rollback',
        gate: 'maxP99Ratio',
        limit: 2,
        reason: "p99 latency 90.0 ms is 3.00 times stable's 30.0 ms, over the limit 2 (canary 100 requests, stable 1000)",
      });
      expect(decidePlanStep(plan(gates), state(), both(figures(100, 0, 12, 55), figures(1000, 0, 10, 30)), later(60)).kind).toBe('advance');
    });

    it('names the first breached gate in the documented order', () => {
      const gates = { maxLatencyRatio: 1.1, maxP99Ms: 1, maxP95Ms: 1, maxErrorRateIncrease: 0.01, maxErrorRate: 0.01 };
      const decision = decidePlanStep(plan(gates), state(), both(figures(100, 50, 100, 200), figures(100, 0, 10, 20)), later(60));
      expect(decision).toMatchObject({ kind: 'rollback', gate: 'maxErrorRate' });
      const withoutRate = { ...gates, maxErrorRate: undefined };
      expect(decidePlanStep(plan(withoutRate), state(), both(figures(100, 50, 100, 200), figures(100, 0, 10, 20)), later(60))).toMatchObject({
        gate: 'maxErrorRateIncrease',
      });
    });

    it('judges gates in every step, not only the first', () => {
      expect(decidePlanStep(plan({ maxErrorRate: 0.05 }), state({ step: 2 }), both(figures(100, 6)), later(600)).kind).toBe('rollback');
    });
  });

  describe('gates relative to stable', () => {
    it('wait while stable has no request in the step, rather than pass or fail', () => {
      const gates = { maxErrorRateIncrease: 0.01, maxLatencyRatio: 1.5 };
      const decision = decidePlanStep(plan(gates), state(), both(figures(100, 0, 500), figures(0)), later(60));
      expect(decision).toEqual({
        kind: 'wait',
        reason:
          'step 1 of 4 (5%): stable has no requests yet to compare the error rate with; stable has no requests yet to compare the latency with',
      });
    });

    it('still roll back on an absolute gate while stable has no requests', () => {
      const decision = decidePlanStep(plan({ maxLatencyRatio: 1.5, maxP99Ms: 100 }), state(), both(figures(100, 0, 50, 400), figures(0)), later(60));
      expect(decision).toMatchObject({ kind: 'rollback', gate: 'maxP99Ms' });
    });
  });
});
