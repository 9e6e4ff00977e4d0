import type { DeploymentState } from '../rollout/deployment-state';
import type { ModelServer, ServedVersion } from './model-server.service';
import { TrafficRouter, hash32 } from './traffic-router';

function served(version: number, state: ServedVersion['state'] = 'ready'): ServedVersion {
  return { id: `id-${version}`, runtimeKey: `key-${version}`, modelName: 'm', version, format: 'onnx', signature: { inputs: [], outputs: [] }, state, inFlight: 0 };
}

/** Just what the router reads of the model server: versions by number. */
function fakeServer(versions: ServedVersion[]): ModelServer {
  const byNumber = new Map(versions.map((version) => [version.version, version]));
  return {
    find: (_model: string, version: number) => byNumber.get(version),
    resolve: (_model: string, version?: number) => {
      const found = version === undefined ? [...byNumber.values()].at(-1) : byNumber.get(version);
      if (!found) throw new Error(`no version ${version}`);
      return found;
    },
    versionsOf: () => [...byNumber.values()],
  } as unknown as ModelServer;
}

function deployment(routes: Array<[number, number]>, extra: Partial<DeploymentState> = {}): DeploymentState {
  return {
    modelName: 'm',
    revision: 1,
    routes: routes.map(([version, weight]) => ({ version, weight })),
    stable: routes[0][0],
    canary: routes.length === 2 ? routes[1][0] : null,
    previousStable: null,
    shadow: null,
    fallback: null,
    sticky: 'header',
    plan: null,
    planState: null,
    updatedAt: new Date(0).toISOString(),
    updatedBy: null,
    ...extra,
  };
}

describe('TrafficRouter', () => {
  it('gives each sticky key one version, in proportion to the weights', () => {
    const router = new TrafficRouter(fakeServer([served(1), served(2), served(3)]));
    router.apply(deployment([[1, 60], [2, 30], [3, 10]]));
    const counts = new Map<number, number>();
    for (let index = 0; index < 20_000; index++) {
      const picked = router.route({ model: 'm', routingKey: `user-${index}` }).served.version;
      expect(router.route({ model: 'm', routingKey: `user-${index}` }).served.version).toBe(picked);
      counts.set(picked, (counts.get(picked) ?? 0) + 1);
    }
    expect(counts.get(1)! / 20_000).toBeCloseTo(0.6, 1);
    expect(counts.get(2)! / 20_000).toBeCloseTo(0.3, 1);
    expect(counts.get(3)! / 20_000).toBeCloseTo(0.1, 1);
  });

  it('moves few keys when weights change: none into the shrinking version, none out of the growing one', () => {
    const router = new TrafficRouter(fakeServer([served(1), served(2), served(3)]));
    router.apply(deployment([[1, 60], [2, 30], [3, 10]]));
    const keys = Array.from({ length: 10_000 }, (_, index) => `k${index}`);
    const before = keys.map((key) => router.route({ model: 'm', routingKey: key }).served.version);
    router.apply(deployment([[1, 50], [2, 30], [3, 20]], { revision: 2 }));
    let moved = 0;
    keys.forEach((key, index) => {
      const now = router.route({ model: 'm', routingKey: key }).served.version;
      if (now === before[index]) return;
      moved++;
      expect(now).not.toBe(1);
      expect(before[index]).not.toBe(3);
    });
    // The least possible is a tenth of the keys; a re-roll would move more than half.
    expect(moved / keys.length).toBeGreaterThan(0.08);
    expect(moved / keys.length).toBeLessThan(0.16);
  });

  it('sends no traffic to a routed version that is not ready here, and 503s when nothing routed is', () => {
    const loading = served(2, 'loading');
    const router = new TrafficRouter(fakeServer([served(1, 'unavailable'), loading]));
    router.apply(deployment([[1, 50], [2, 50]]));
    expect(() => router.route({ model: 'm' })).toThrow(/no routed version of model "m" is ready on this server: 1 \(unavailable\), 2 \(loading\)/);
    loading.state = 'ready';
    for (let index = 0; index < 50; index++) expect(router.route({ model: 'm' }).served.version).toBe(2);
  });

  it('never goes back to an older revision of a deployment', () => {
    const router = new TrafficRouter(fakeServer([served(1), served(2)]));
    router.apply(deployment([[2, 100]], { revision: 5 }));
    router.apply(deployment([[1, 100]], { revision: 4 }));
    expect(router.route({ model: 'm' }).served.version).toBe(2);
  });

  it('opens a circuit after the threshold, lets one probe through after the open time, and closes on its success', () => {
    const router = new TrafficRouter(fakeServer([served(1), served(2)]));
    const canary = served(2);
    const fallback = { version: 1, errorThreshold: 3, openSeconds: 10 };
    expect(router.recordFailure(canary, fallback, 0)).toBe(false);
    expect(router.recordFailure(canary, fallback, 0)).toBe(false);
    expect(router.circuitOpen(canary, 0)).toBe(false);
    expect(router.recordFailure(canary, fallback, 0)).toBe(true);
    expect(router.circuitOpen(canary, 5_000)).toBe(true);
    // A request that was in flight before the circuit opened does not close it.
    router.recordSuccess(canary);
    expect(router.circuitOpen(canary, 5_000)).toBe(true);
    // Half-open: one probe, the others still go to the fallback.
    expect(router.circuitOpen(canary, 10_001)).toBe(false);
    expect(router.circuitOpen(canary, 10_002)).toBe(true);
    router.recordSuccess(canary);
    expect(router.circuitOpen(canary, 10_003)).toBe(false);
    // A failed probe opens it again at once.
    for (let index = 0; index < 3; index++) router.recordFailure(canary, fallback, 20_000);
    expect(router.circuitOpen(canary, 30_001)).toBe(false);
    expect(router.recordFailure(canary, fallback, 30_001)).toBe(true);
    expect(router.circuitOpen(canary, 30_002)).toBe(true);
  });

  it('hashes strings stably', () => {
    expect(hash32('client-1')).toBe(hash32('client-1'));
    expect(hash32('client-1')).not.toBe(hash32('client-2'));
  });
});
