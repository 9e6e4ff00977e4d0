import { join } from 'node:path';
import { loadPackageDefinition, Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { HealthService } from '../../telemetry/health.service';
import { RequestTelemetry } from '../../telemetry/request-telemetry';
import { GrpcHealth, healthPackage, healthServiceDefinition } from './grpc-health';
import { GrpcInference } from './grpc-inference';
import { GrpcServerMetrics } from './grpc-metrics';
import { reflectionService } from './grpc-reflection';
import { GRPC_MESSAGE_OPTIONS } from './grpc-tensors';

/** KServe's proto, beside this file in the sources and in the build (the api build copies it). */
export const GRPC_PROTO_PATH = join(__dirname, 'grpc_predict_v2.proto');

/** How long calls in progress may take to finish once the app closes, before they are cut off. */
const SHUTDOWN_GRACE_MS = 10_000;

/** KServe's proto as proto-loader reads it (GRPC_PROTO_PATH, with the message options its handlers expect). */
export function inferencePackage(): PackageDefinition {
  return loadSync(GRPC_PROTO_PATH, GRPC_MESSAGE_OPTIONS);
}

/** The inference service's definition, from `loaded` (inferencePackage()). */
export function inferenceServiceDefinition(loaded = inferencePackage()): ServiceDefinition {
  const services = loadPackageDefinition(loaded) as unknown as { inference: { GRPCInferenceService: { service: ServiceDefinition } } };
  return services.inference.GRPCInferenceService.service;
}

/**
 * The gRPC server of the Open Inference Protocol (MODELGATE_GRPC_PORT; `off`: none). It listens once
 * the HTTP server does (app.ts), on the same host, with the HTTP server's certificate when TLS is
 * configured, and takes messages up to the HTTP body limit. It serves gRPC's health checking
 * protocol beside (grpc-health.ts), and server reflection over both (grpc-reflection.ts), so that
 * grpcurl, Postman and other generic clients can list the services and call them without a copy
 * of the proto. When the app closes, health answers NOT_SERVING and its Watch
 * streams end, ModelStreamInfer streams answer what they hold and end; then it stops taking calls and lets those in progress finish, for SHUTDOWN_GRACE_MS
 * at most, before the model runtime goes.
 */
@Injectable()
export class GrpcServer implements BeforeApplicationShutdown {
  private readonly logger = new Logger('gRPC');
  private server: Server | undefined;
  private healthChecks: GrpcHealth | undefined;
  private boundPort: number | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly handlers: GrpcInference,
    private readonly health: HealthService,
    private readonly telemetry: RequestTelemetry,
    private readonly metrics: GrpcServerMetrics,
  ) {}

  /** The port it listens on (the one chosen when MODELGATE_GRPC_PORT is 0); undefined when it does not listen. */
  get port(): number | undefined {
    return this.boundPort;
  }

  /** `host:port` it serves on, for the start-up line; undefined when gRPC is off. */
  get address(): string | undefined {
    return this.boundPort === undefined ? undefined : `${hostPart(this.config.host)}:${this.boundPort}`;
  }

  /** Starts listening (once); resolves with the address, or undefined when gRPC is off. */
  async listen(): Promise<string | undefined> {
    if (this.config.grpcPort === undefined || this.server !== undefined) return this.address;
    const server = new Server({ 'grpc.max_receive_message_length': this.config.maxBodyBytes, interceptors: [this.metrics.interceptor] });
    const inference = inferencePackage();
    const health = healthPackage();
    server.addService(inferenceServiceDefinition(inference), this.handlers.implementation());
    const healthChecks = new GrpcHealth(this.health, this.telemetry);
    server.addService(healthServiceDefinition(health), healthChecks.implementation());
    reflectionService(inference, health).addToServer(server);
    const tls = this.config.tls;
    const credentials = tls ? ServerCredentials.createSsl(null, [{ cert_chain: tls.cert, private_key: tls.key }], false) : ServerCredentials.createInsecure();
    const requested = `${hostPart(this.config.host)}:${this.config.grpcPort}`;
    this.boundPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(requested, credentials, (error, port) => {
        if (error) {
          reject(new Error(`the gRPC server cannot listen on ${requested} (${error.message}); set MODELGATE_GRPC_PORT to a free port, 0 for any, or off`));
        } else resolve(port);
      });
    });
    this.server = server;
    this.healthChecks = healthChecks;
    return this.address;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    this.boundPort = undefined;
    this.healthChecks?.stop();
    this.healthChecks = undefined;
    this.handlers.stopStreams();
    const drained = new Promise<boolean>((resolve) => server.tryShutdown(() => resolve(true)));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), SHUTDOWN_GRACE_MS)));
    const finished = await Promise.race([drained, late]);
    clearTimeout(timer);
    if (!finished) {
      this.logger.warn(`calls still in progress after ${SHUTDOWN_GRACE_MS / 1000} s of shutdown were cut off`);
      server.forceShutdown();
    }
  }
}

/** A host as an address's host part: IPv6 literals in brackets. */
function hostPart(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
