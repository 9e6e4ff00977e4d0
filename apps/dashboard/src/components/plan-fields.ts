import type { Schemas } from '../api';

type Plan = Schemas['PlanDto'];

export interface PlanFields {
  minRequests: string;
  minDuration: string;
  maxErrorPercent: string;
  maxLatencyRatio: string;
  maxP99Ms: string;
}

/** The plan the form describes; the steps must be numbers, the rest the API checks and explains. */
export function planOf(steps: string, fields: PlanFields): Plan {
  const parts = steps.split(/[\s,]+/).filter(Boolean);
  const values = parts.map(Number);
  if (parts.length === 0 || values.some((value) => !Number.isFinite(value))) {
    throw new Error(`steps must be percentages separated by commas, such as 5, 25, 50, 100; got "${steps}"`);
  }
  const number = (value: string) => (value.trim() === '' ? undefined : Number(value));
  const errorPercent = number(fields.maxErrorPercent);
  const gates = {
    ...(errorPercent !== undefined ? { maxErrorRate: errorPercent / 100 } : {}),
    ...(number(fields.maxLatencyRatio) !== undefined ? { maxLatencyRatio: number(fields.maxLatencyRatio) } : {}),
    ...(number(fields.maxP99Ms) !== undefined ? { maxP99Ms: number(fields.maxP99Ms) } : {}),
  };
  return {
    steps: values,
    ...(number(fields.minRequests) !== undefined ? { minRequests: number(fields.minRequests) } : {}),
    ...(number(fields.minDuration) !== undefined ? { minDurationSeconds: number(fields.minDuration) } : {}),
    ...(Object.keys(gates).length > 0 ? { gates } : {}),
  };
}
