import { Injectable } from '@nestjs/common';
import type { NamedTensors } from '@modelgate/runtime';
import { NotFoundError, ServiceUnavailableError } from '../common/errors';
import { DEPLOYMENT_LABELS, type DeploymentLabel, type DeploymentState, type FallbackSpec, type ShadowSpec, labelVersion } from '../rollout/deployment-state';
import { ModelServer, type ServedVersion } from './model-server.service';

/**
 * How a request reached its version: `pinned` by a version in the path, `latest` (a model without
 * a deployment answers with its newest ready version), `stable` or `canary` by the deployment's
 * weights or a label in the path, `weighted` by the weights to another routed version, `fallback`
 * when the routed version was overloaded or failing.
 */
export type RouteKind = 'pinned' | 'latest' | 'stable' | 'canary' | 'weighted' | 'fallback';

/** What a prediction asks for: a model, and optionally a version, a label, and who it is for stickiness. */
export interface PredictTarget {
  model: string;
  version?: number;
  label?: string;
  /** The X-Routing-Key header, if sent. */
  routingKey?: string;
  /** The calling credential's id (for `sticky: key`). */
  caller?: string;
}

export interface Routed {
  served: ServedVersion;
  route: RouteKind;
  /** Set for unpinned requests of a deployment that has them. */
  shadow?: ShadowSpec;
  fallback?: FallbackSpec;
}

/** Copies part of the traffic to a shadow version (implemented by the rollout module). */
export interface ShadowSink {
  /** Before the real prediction (whose inputs move to a worker): decides whether to copy this request, and copies it. */
  select(primary: ServedVersion, shadow: ShadowSpec, inputs: NamedTensors): ShadowTicket | undefined;
  /** After the real answer: runs the copy later; the client never waits for it. */
  dispatch(ticket: ShadowTicket, primaryOutputs: NamedTensors): void;
}
/** Opaque to the router: what a ShadowSink keeps between select and dispatch. */
export type ShadowTicket = object;

interface CompiledRoute {
  version: number;
  weight: number;
  kind: RouteKind;
  /** 32-bit hash of the version, mixed with a client's key for rendezvous hashing. */
  seed: number;
}

interface CompiledDeployment {
  state: DeploymentState;
  /** Routes with a weight above 0. */
  routes: CompiledRoute[];
}

/** A routed version's recent failures: after `errorThreshold` in a row its circuit opens. */
interface Circuit {
  failures: number;
  openUntil: number;
  /** While half-open, one request tries the version again; another may try after this time. */
  probing: boolean;
  probeUntil: number;
}

/** A probe that never reported back (its client went away) lets another try after this long. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * The in-memory side of rollout on the prediction path: each model's deployment, compiled for a
 * pick in a few operations, with no database round trip. The rollout module applies deployments
 * as they change (here and, through Postgres LISTEN/NOTIFY, on every replica); a model without one
 * answers with its latest ready version.
 *
 * A version receives routed traffic only once it is loaded and warmed up in this process: while a
 * routed version is still loading (or failed to load here), its share goes to the other routed
 * versions that are ready.
 */
@Injectable()
export class TrafficRouter {
  private readonly deployments = new Map<string, CompiledDeployment>();
  private readonly circuits = new Map<string, Circuit>();
  private shadowSink: ShadowSink | undefined;

  constructor(private readonly modelServer: ModelServer) {}

  /** Follows a deployment from now on (a newer revision replaces an older one, never the reverse). */
  apply(state: DeploymentState): void {
    const current = this.deployments.get(state.modelName);
    if (current !== undefined && current.state.revision > state.revision) return;
    const routes = state.routes
      .filter((route) => route.weight > 0)
      .sort((a, b) => a.version - b.version)
      .map((route) => ({
        version: route.version,
        weight: route.weight,
        kind: (route.version === state.stable ? 'stable' : route.version === state.canary ? 'canary' : 'weighted') as RouteKind,
        seed: hash32(`v${route.version}`),
      }));
    this.deployments.set(state.modelName, { state, routes });
  }

  /** The model has no deployment any more (deleted with its model). */
  remove(modelName: string): void {
    this.deployments.delete(modelName);
  }

  deployment(modelName: string): DeploymentState | undefined {
    return this.deployments.get(modelName)?.state;
  }

  /** Every deployment followed now. */
  all(): DeploymentState[] {
    return [...this.deployments.values()].map((compiled) => compiled.state);
  }

  setShadowSink(sink: ShadowSink): void {
    this.shadowSink = sink;
  }

  get shadow(): ShadowSink | undefined {
    return this.shadowSink;
  }

  /**
   * The version a request goes to. 404 for an unknown model, version or label; 503 when nothing
   * routed is ready on this server.
   */
  route(target: PredictTarget): Routed {
    const { model, version, label } = target;
    if (version !== undefined) return { served: this.modelServer.resolve(model, version), route: 'pinned' };
    const compiled = this.deployments.get(model);
    if (label !== undefined) return this.routeLabel(model, label, compiled);
    if (compiled === undefined) return { served: this.modelServer.resolve(model), route: 'latest' };
    const { state } = compiled;
    const served = this.pick(compiled, stickyKeyOf(state, target));
    return {
      served: served.served,
      route: served.kind,
      ...(state.shadow !== null ? { shadow: state.shadow } : {}),
      ...(state.fallback !== null ? { fallback: state.fallback } : {}),
    };
  }

  /**
   * The version that describes a model when none is named (metadata routes): the deployment's
   * stable version where it is ready here, else the latest ready one.
   */
  describe(model: string, version?: number, label?: string): ServedVersion {
    if (version !== undefined || label !== undefined) return this.route({ model, version, label }).served;
    const stable = this.deployments.get(model)?.state.stable;
    if (stable !== undefined && stable !== null) {
      const served = this.modelServer.find(model, stable);
      if (served?.state === 'ready') return served;
    }
    return this.modelServer.resolve(model);
  }

  /** Whether a routed version's circuit is open now (its traffic goes to the fallback). */
  circuitOpen(served: ServedVersion, now = Date.now()): boolean {
    const circuit = this.circuits.get(served.runtimeKey);
    if (circuit === undefined || circuit.openUntil === 0) return false;
    if (now < circuit.openUntil) return true;
    // Half-open: one request tries the version again; the others keep going to the fallback.
    if (circuit.probing && now < circuit.probeUntil) return true;
    circuit.probing = true;
    circuit.probeUntil = now + PROBE_TIMEOUT_MS;
    return false;
  }

  /**
   * A routed version answered: its failures in a row start again from zero, and a half-open
   * circuit closes. Requests that were already in flight when the circuit opened do not close it.
   */
  recordSuccess(served: ServedVersion): void {
    if (this.circuits.size === 0) return;
    const circuit = this.circuits.get(served.runtimeKey);
    if (circuit !== undefined && (circuit.openUntil === 0 || circuit.probing)) this.circuits.delete(served.runtimeKey);
  }

  /** A routed version failed (overloaded or erroring); returns true when this opened its circuit. */
  recordFailure(served: ServedVersion, fallback: FallbackSpec, now = Date.now()): boolean {
    let circuit = this.circuits.get(served.runtimeKey);
    if (circuit === undefined) this.circuits.set(served.runtimeKey, (circuit = { failures: 0, openUntil: 0, probing: false, probeUntil: 0 }));
    circuit.failures++;
    const reopen = circuit.probing || (circuit.openUntil === 0 && circuit.failures >= fallback.errorThreshold);
    if (!reopen) return false;
    circuit.openUntil = now + fallback.openSeconds * 1000;
    circuit.probing = false;
    return true;
  }

  private routeLabel(model: string, label: string, compiled: CompiledDeployment | undefined): Routed {
    if (!(DEPLOYMENT_LABELS as readonly string[]).includes(label)) {
      this.modelServer.versionsOf(model); // 404 for an unknown model first
      throw new NotFoundError(`unknown label "${label}"; the labels are ${DEPLOYMENT_LABELS.join(' and ')}`);
    }
    const version = compiled === undefined ? null : labelVersion(compiled.state, label as DeploymentLabel);
    if (version === null) {
      this.modelServer.versionsOf(model);
      throw new NotFoundError(
        `model "${model}" has no version labelled ${label}; PUT /api/models/${model}/deployment sets the stable and canary versions`,
      );
    }
    return { served: this.modelServer.resolve(model, version), route: label as DeploymentLabel };
  }

  private pick(compiled: CompiledDeployment, key: string | undefined): { served: ServedVersion; kind: RouteKind } {
    const model = compiled.state.modelName;
    const routes = compiled.routes;
    // The common case, one route: nothing to choose.
    if (routes.length === 1) {
      const served = this.modelServer.find(model, routes[0].version);
      if (served?.state === 'ready') return { served, kind: routes[0].kind };
    }
    let total = 0;
    const ready: Array<{ route: CompiledRoute; served: ServedVersion }> = [];
    for (const route of routes) {
      const served = this.modelServer.find(model, route.version);
      if (served?.state !== 'ready') continue;
      ready.push({ route, served });
      total += route.weight;
    }
    if (ready.length === 0) return this.noneReady(compiled);
    if (ready.length === 1) return { served: ready[0].served, kind: ready[0].route.kind };
    if (key !== undefined) {
      // Weighted rendezvous hashing: each client gets the route with the best score for its key; a
      // change of weights moves only the clients whose best route changed, in proportion.
      const keyHash = hash32(key);
      let best = ready[0];
      let bestScore = Infinity;
      for (const candidate of ready) {
        const unit = (mix32(keyHash ^ candidate.route.seed) + 0.5) / 4294967296;
        const score = -Math.log(unit) / candidate.route.weight;
        if (score < bestScore) {
          bestScore = score;
          best = candidate;
        }
      }
      return { served: best.served, kind: best.route.kind };
    }
    let point = Math.random() * total;
    for (const candidate of ready) {
      point -= candidate.route.weight;
      if (point < 0) return { served: candidate.served, kind: candidate.route.kind };
    }
    const last = ready[ready.length - 1];
    return { served: last.served, kind: last.route.kind };
  }

  /** No routed version is ready here: stable if it is (a weight of 0 included), else a clear 503. */
  private noneReady(compiled: CompiledDeployment): { served: ServedVersion; kind: RouteKind } {
    const { state } = compiled;
    if (state.stable !== null) {
      const stable = this.modelServer.find(state.modelName, state.stable);
      if (stable?.state === 'ready') return { served: stable, kind: 'stable' };
    }
    const states = compiled.routes.map((route) => `${route.version} (${this.modelServer.find(state.modelName, route.version)?.state ?? 'not loaded'})`);
    throw new ServiceUnavailableError(`no routed version of model "${state.modelName}" is ready on this server: ${states.join(', ')}`);
  }
}

function stickyKeyOf(state: DeploymentState, target: PredictTarget): string | undefined {
  switch (state.sticky) {
    case 'none':
      return undefined;
    case 'header':
      return target.routingKey;
    case 'key':
      return target.routingKey ?? target.caller;
  }
}

/** FNV-1a over UTF-16 code units, then mixed: a fast, stable 32-bit hash of a short string. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return mix32(hash);
}

/** murmur3's finaliser: spreads every input bit over the output. */
export function mix32(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
