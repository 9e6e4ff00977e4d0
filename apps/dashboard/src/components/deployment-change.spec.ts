import type { Schemas } from '../api';
import { canarySplit, optionsChange, optionsFormOf, weightedSplit, weightsProblem } from './deployment-change';

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

describe('optionsChange', () => {
  it('sends nothing when the form is the deployment as it stands', () => {
    expect(optionsChange(DEPLOYMENT, optionsFormOf(DEPLOYMENT))).toBeUndefined();
    expect(optionsChange(DEPLOYMENT, { ...optionsFormOf(DEPLOYMENT), reason: 'no change' })).toBeUndefined();
  });
  it('sends only what differs, with the reason', () => {
    const form = optionsFormOf(DEPLOYMENT);
    expect(optionsChange(DEPLOYMENT, { ...form, shadowPercent: 25, reason: ' more copies ' })).toEqual({ shadow: { version: 3, percent: 25 }, reason: 'more copies' });
    expect(optionsChange(DEPLOYMENT, { ...form, openSeconds: 60 })).toEqual({ fallback: { version: 1, errorThreshold: 5, openSeconds: 60 } });
    expect(optionsChange(DEPLOYMENT, { ...form, sticky: 'none' })).toEqual({ sticky: 'none' });
  });
  it('removes a shadow or a fallback with null, and adds them with the defaults shown', () => {
    const form = optionsFormOf(DEPLOYMENT);
    expect(optionsChange(DEPLOYMENT, { ...form, shadowVersion: undefined, fallbackVersion: undefined })).toEqual({ shadow: null, fallback: null });
    const bare = { ...DEPLOYMENT, shadow: null, fallback: null } as Schemas['DeploymentDto'];
    expect(optionsFormOf(bare)).toMatchObject({ shadowVersion: undefined, shadowPercent: 10, fallbackVersion: undefined, errorThreshold: 5, openSeconds: 30 });
    expect(optionsChange(bare, { ...optionsFormOf(bare), shadowVersion: 2, fallbackVersion: 1 })).toEqual({
      shadow: { version: 2, percent: 10 },
      fallback: { version: 1, errorThreshold: 5, openSeconds: 30 },
    });
  });
});

describe('weightedSplit', () => {
  const canaried = {
    ...DEPLOYMENT,
    routes: [
      { version: 1, weight: 90, serving: 'ready' },
      { version: 2, weight: 10, serving: 'ready' },
    ],
    stable: 1,
    canary: 2,
    shadow: null,
  } as Schemas['DeploymentDto'];
  it('splits among three versions, keeping the labels, fallback and sticky routing', () => {
    expect(weightedSplit(canaried, new Map([[1, 50], [2, 30], [4, 20]]), ' A/B/C ')).toEqual({
      routes: [
        { version: 1, weight: 50 },
        { version: 2, weight: 30 },
        { version: 4, weight: 20 },
      ],
      stable: 1,
      canary: 2,
      sticky: 'key',
      fallback: { version: 1, errorThreshold: 5, openSeconds: 30 },
      reason: 'A/B/C',
    });
  });
  it('keeps a routed version at 0 as a route, leaves out the others at 0, and lets the API label a stable without traffic anew', () => {
    expect(weightedSplit(canaried, new Map([[1, 0], [2, 100], [3, 0]]))).toEqual({
      routes: [
        { version: 1, weight: 0 },
        { version: 2, weight: 100 },
      ],
      sticky: 'key',
      fallback: { version: 1, errorThreshold: 5, openSeconds: 30 },
    });
  });
  it('sends the shadow back as it is', () => {
    expect(weightedSplit(DEPLOYMENT, new Map([[1, 100]])).shadow).toEqual({ version: 3, percent: 10 });
  });
});

describe('weightsProblem', () => {
  it('wants whole percents that sum to 100', () => {
    expect(weightsProblem(new Map([[1, 60], [2, 40]]))).toBeUndefined();
    expect(weightsProblem(new Map([[1, 60], [2, 30]]))).toBe('the weights add up to 90%; they must add up to 100%');
    expect(weightsProblem(new Map([[1, 60.5], [2, 39.5]]))).toBe("v1's weight must be a whole percent from 0 to 100");
    expect(weightsProblem(new Map([[1, 120], [2, -20]]))).toBe("v1's weight must be a whole percent from 0 to 100");
  });
});
