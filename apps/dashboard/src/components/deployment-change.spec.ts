import type { Schemas } from '../api';
import { canarySplit } from './deployment-change';

const DEPLOYMENT = {
  model: 'iris',
  revision: 3,
  routes: [{ version: 1, weight: 100, serving: 'ready' }],
  stable: 1,
  canary: null,
  previousStable: null,
  shadow: { version: 3, percent: 10 },
  fallback: { version: 1, errorThreshold: 5, openSeconds: 30 },
  sticky: 'key',
  plan: null,
  planState: null,
  updatedAt: '2026-12-07T00:00:00.000Z',
  updatedBy: null,
} as Schemas['DeploymentDto'];

describe('canarySplit', () => {
  it('moves the weights and sends back the shadow, fallback and sticky routing it does not edit', () => {
    expect(canarySplit(DEPLOYMENT, { stable: 1, canary: 2, canaryWeight: 25, reason: 'try v2' })).toEqual({
      routes: [
        { version: 1, weight: 75 },
        { version: 2, weight: 25 },
      ],
      stable: 1,
      canary: 2,
      sticky: 'key',
      shadow: { version: 3, percent: 10 },
      fallback: { version: 1, errorThreshold: 5, openSeconds: 30 },
      reason: 'try v2',
    });
  });
  it('adds a plan when given, and leaves out what the deployment does not have', () => {
    const bare = { ...DEPLOYMENT, shadow: null, fallback: null, sticky: 'header' } as Schemas['DeploymentDto'];
    expect(canarySplit(bare, { stable: 1, canary: 2, canaryWeight: 5, plan: { steps: [5, 100] } })).toEqual({
      routes: [
        { version: 1, weight: 95 },
        { version: 2, weight: 5 },
      ],
      stable: 1,
      canary: 2,
      sticky: 'header',
      plan: { steps: [5, 100] },
    });
  });
});
