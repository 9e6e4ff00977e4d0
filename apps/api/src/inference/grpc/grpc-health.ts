import { join } from 'node:path';
import { loadPackageDefinition, status, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { requestIdFrom } from '../../common/request-id';
import { HealthService } from '../../telemetry/health.service';
import { RequestTelemetry } from '../../telemetry/request-telemetry';
import { GRPC_SERVICE } from './grpc-inference';

/** gRPC's health checking protocol (grpc/grpc's health.proto), beside this file in the sources and in the build. */
export const HEALTH_PROTO_PATH = join(__dirname, 'health.proto');
export const HEALTH_SERVICE = 'grpc.health.v1.Health';
/** Message options for health.proto: the status as its enum name, the empty service when left out. */
export const HEALTH_MESSAGE_OPTIONS = { keepCase: true, enums: String, defaults: true } as const;

/** How often the readiness of watched services is checked again for Watch streams. */
export const WATCH_POLL_MS = 2_000;

/** Service names beside the inference service's: `liveness` as GET /health/live, `readiness` (and the server, "") as GET /health/ready. */
export const LIVENESS_SERVICE = 'liveness';
export const READINESS_SERVICE = 'readiness';
const READY_SERVICES = new Set(['', READINESS_SERVICE, GRPC_SERVICE]);

export type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

interface HealthCheckRequest {
  service?: string;
}

interface HealthCheckResponse {
  status: ServingStatus;
}

interface Watcher {
  call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>;
  service: string;
  sent: ServingStatus | undefined;
  id: string;
  started: number;
}

/** health.proto as proto-loader reads it (HEALTH_PROTO_PATH, HEALTH_MESSAGE_OPTIONS). */
export function healthPackage(): PackageDefinition {
  return loadSync(HEALTH_PROTO_PATH, HEALTH_MESSAGE_OPTIONS);
}

/** The health service's definition, from `loaded` (healthPackage()). */
export function healthServiceDefinition(loaded = healthPackage()): ServiceDefinition {
  const services = loadPackageDefinition(loaded) as unknown as { grpc: { health: { v1: { Health: { service: ServiceDefinition } } } } };
  return services.grpc.health.v1.Health.service;
}

/**
 * A service's status: `liveness` serves while the process answers; "", `readiness` and the
 * inference service serve when the app is ready; every one stops serving once the app closes (as
 * HTTP answers 503 then). Undefined for a service this server does not know.
 */
export function servingStatus(service: string, ready: boolean, stopping: boolean): ServingStatus | undefined {
  if (service === LIVENESS_SERVICE) return stopping ? 'NOT_SERVING' : 'SERVING';
  if (READY_SERVICES.has(service)) return ready && !stopping ? 'SERVING' : 'NOT_SERVING';
  return undefined;
}

/**
 * grpc.health.v1.Health over HealthService, for Kubernetes' gRPC probes and grpc_health_probe:
 * public, as GET /health/* are, and logged at debug. Watch streams share one poll of the readiness
 * while any is open, and end when the app closes (stop), so that they do not hold the server's drain.
 */
export class GrpcHealth {
  private stopping = false;
  private readonly watchers = new Set<Watcher>();
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly health: HealthService,
    private readonly telemetry: RequestTelemetry,
    private readonly pollMs = WATCH_POLL_MS,
  ) {}

  implementation(): UntypedServiceImplementation {
    return {
      Check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, callback: sendUnaryData<HealthCheckResponse>) => this.check(call, callback),
      Watch: (call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>) => this.watch(call),
    };
  }

  /** From now on every service answers NOT_SERVING; each Watch stream gets it and ends. */
  stop(): void {
    this.stopping = true;
    clearTimeout(this.poll);
    this.poll = undefined;
    for (const watcher of [...this.watchers]) {
      this.send(watcher, servingStatus(watcher.service, false, true) ?? 'SERVICE_UNKNOWN');
      this.end(watcher);
      watcher.call.end();
    }
  }

  private check(call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, callback: sendUnaryData<HealthCheckResponse>): void {
    const started = performance.now();
    const id = requestIdFrom(call.metadata.get('x-request-id')[0]);
    const service = call.request.service ?? '';
    void this.statusOf(service).then((serving) => {
      if (serving === undefined) callback({ code: status.NOT_FOUND, details: `unknown service "${service}": ask for "", "${LIVENESS_SERVICE}", "${READINESS_SERVICE}" or "${GRPC_SERVICE}"` });
      else callback(null, { status: serving });
      this.record(id, 'Check', serving === undefined ? 404 : 200, started);
    });
  }

  private watch(call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>): void {
    const watcher: Watcher = { call, service: call.request.service ?? '', sent: undefined, id: requestIdFrom(call.metadata.get('x-request-id')[0]), started: performance.now() };
    if (this.stopping) {
      call.write({ status: servingStatus(watcher.service, false, true) ?? 'SERVICE_UNKNOWN' });
      call.end();
      return;
    }
    this.watchers.add(watcher);
    call.on('cancelled', () => this.end(watcher));
    void this.statusOf(watcher.service).then((serving) => this.send(watcher, serving ?? 'SERVICE_UNKNOWN'));
    this.schedulePoll();
  }

  /** The status now; a readiness check that throws counts as not ready. */
  private async statusOf(service: string): Promise<ServingStatus | undefined> {
    const ready = READY_SERVICES.has(service) && !this.stopping ? await this.isReady() : false;
    return servingStatus(service, ready, this.stopping);
  }

  private async isReady(): Promise<boolean> {
    try {
      return (await this.health.readiness()).ready;
    } catch {
      return false;
    }
  }

  /**
   * One timer for all streams, set again only after its poll is done (so that a slow database never
   * stacks checks) and while a stream is open; unref'd, so that it never keeps the process up.
   */
  private schedulePoll(): void {
    if (this.poll !== undefined || this.stopping || this.watchers.size === 0) return;
    this.poll = setTimeout(() => {
      void this.pollOnce().then(() => {
        this.poll = undefined;
        this.schedulePoll();
      });
    }, this.pollMs).unref();
  }

  private async pollOnce(): Promise<void> {
    const ready = [...this.watchers].some((watcher) => READY_SERVICES.has(watcher.service)) ? await this.isReady() : false;
    for (const watcher of this.watchers) this.send(watcher, servingStatus(watcher.service, ready, this.stopping) ?? 'SERVICE_UNKNOWN');
  }

  /** Writes the status to a stream still open when it differs from the last one sent. */
  private send(watcher: Watcher, serving: ServingStatus): void {
    if (!this.watchers.has(watcher) || watcher.sent === serving) return;
    watcher.sent = serving;
    watcher.call.write({ status: serving });
  }

  private end(watcher: Watcher): void {
    if (!this.watchers.delete(watcher)) return;
    this.record(watcher.id, 'Watch', 200, watcher.started);
  }

  private record(id: string, method: string, httpStatus: number, started: number): void {
    this.telemetry.answered({ id, method: 'POST', url: `/${HEALTH_SERVICE}/${method}` }, undefined, httpStatus, performance.now() - started, undefined);
  }
}
