import type { Schemas } from '../api';
import { trafficSummary } from './traffic-summary';

type Deployment = Schemas['DeploymentDto'];

const base: Deployment = {
  model: 'iris',
  revision: 3,
  routes: [
    { version: 2, weight: 10, serving: 'ready' },
    { version: 1, weight: 90, serving: 'ready' },
  ],
  stable: 1,
  canary: 2,
  previousStable: null,
  shadow: null,
  fallback: null,
  sticky: 'header',
  plan: null,
  planState: null,
  updatedAt: '2026-12-07T12:00:00.000Z',
  updatedBy: 'operator:admin',
};

describe('trafficSummary', () => {
  it('lists the routed versions by number with their share and role', () => {
    expect(trafficSummary(base, 2)).toEqual({
      routes: [
        { text: 'v1 90%', role: 'stable' },
        { text: 'v2 10%', role: 'canary' },
      ],
      plan: null,
      shadow: null,
      unrouted: null,
    });
  });

  it('leaves out versions at weight 0 (a canary rolled back), and names a split\'s other versions without a role', () => {
    const rolledBack: Deployment = { ...base, routes: [{ version: 1, weight: 100, serving: 'ready' }, { version: 2, weight: 0, serving: 'ready' }] };
    expect(trafficSummary(rolledBack, 2).routes).toEqual([{ text: 'v1 100%', role: 'stable' }]);
    const split: Deployment = { ...base, canary: null, routes: [{ version: 1, weight: 50, serving: 'ready' }, { version: 3, weight: 50, serving: 'ready' }] };
    expect(trafficSummary(split, 3).routes).toEqual([
      { text: 'v1 50%', role: 'stable' },
      { text: 'v3 50%', role: null },
    ]);
  });

  it('says how far a plan got, and which version gets shadow copies', () => {
    const planned: Deployment = {
      ...base,
      shadow: { version: 3, percent: 25 },
      plan: { steps: [5, 50, 100], minRequests: 100, minDurationSeconds: 60 } as Deployment['plan'],
      planState: { status: 'rolled-back', step: 1, stepStartedAt: '2026-12-07T12:00:00.000Z', weight: 50 } as Deployment['planState'],
    };
    expect(trafficSummary(planned, 3)).toMatchObject({ plan: { status: 'rolled-back', progress: 'ended at step 2 of 3' }, shadow: 'shadow v3 (25%)' });
    const running: Deployment = { ...planned, planState: { ...planned.planState!, status: 'running' } };
    expect(trafficSummary(running, 3).plan).toEqual({ status: 'running', progress: 'step 2 of 3' });
  });

  it('says what answers without a deployment', () => {
    expect(trafficSummary(undefined, 4)).toEqual({ routes: [], plan: null, shadow: null, unrouted: 'latest ready version' });
    expect(trafficSummary(undefined, 0).unrouted).toBe('no versions yet');
  });
});
