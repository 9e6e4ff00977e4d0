import { credentials, loadPackageDefinition, status, type ChannelCredentials, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { GrpcServer } from '../apps/api/src/inference/grpc/grpc-server.service';
import { HEALTH_MESSAGE_OPTIONS, HEALTH_PROTO_PATH } from '../apps/api/src/inference/grpc/grpc-health';
import { eventually } from './support/eventually';
import { startServer, type TestServer } from './support/server';

/** The health service as Kubernetes and grpc_health_probe see it: the same proto, loaded by a real grpc-js client. */
const proto = loadPackageDefinition(loadSync(HEALTH_PROTO_PATH, HEALTH_MESSAGE_OPTIONS)) as unknown as {
  grpc: { health: { v1: { Health: new (address: string, creds: ChannelCredentials) => HealthClient } } };
};

interface HealthCheckResponse {
  status: string;
}

interface HealthClient extends Client {
  Check(request: { service: string }, callback: (error: ServiceError | null, response: HealthCheckResponse) => void): void;
  Watch(request: { service: string }): ClientReadableStream<HealthCheckResponse>;
}

/** The status Check answers for `service`, or the call's failure code. */
function check(client: HealthClient, service: string): Promise<string | status> {
  return new Promise((resolve) => client.Check({ service }, (error, response) => resolve(error ? error.code : response.status)));
}

describe('gRPC health checking protocol (grpc.health.v1.Health)', () => {
  let server: TestServer;
  let client: HealthClient;
  let closed = false;

  beforeAll(async () => {
    server = await startServer({ env: { MODELGATE_GRPC_PORT: '0' } });
    client = new proto.grpc.health.v1.Health(`127.0.0.1:${server.modelgate.app.get(GrpcServer).port}`, credentials.createInsecure());
  });

  afterAll(async () => {
    client?.close();
    if (!closed) await server?.close();
  });

  it('answers Check without a key: SERVING for the server, liveness, readiness and the inference service', async () => {
    expect((await server.json('/health/ready', { key: null })).status).toBe(200);
    for (const service of ['', 'liveness', 'readiness', 'inference.GRPCInferenceService']) expect([service, await check(client, service)]).toEqual([service, 'SERVING']);
    // Counted with every other gRPC call in the standard server metrics.
    expect(await (await server.fetch('/metrics')).text()).toContain('grpc_server_handled_total{grpc_type="unary",grpc_service="grpc.health.v1.Health",grpc_method="Check",grpc_code="OK"} 4\n');
  });

  it('answers NOT_FOUND for a service it does not know', async () => {
    expect(await check(client, 'inference.Unknown')).toBe(status.NOT_FOUND);
  });

  it('answers Watch with SERVICE_UNKNOWN for an unknown service, as the protocol says, and ends it when cancelled', async () => {
    const stream = client.Watch({ service: 'inference.Unknown' });
    const first = await new Promise<HealthCheckResponse>((resolve) => stream.once('data', resolve));
    expect(first.status).toBe('SERVICE_UNKNOWN');
    const ended = new Promise<number>((resolve) => stream.on('error', (error: ServiceError) => resolve(error.code)));
    stream.cancel();
    expect(await ended).toBe(status.CANCELLED);
  });

  it('streams SERVING to a Watch, then NOT_SERVING and the end when the app closes, without holding the shutdown', async () => {
    const statuses: string[] = [];
    const stream = client.Watch({ service: '' });
    stream.on('data', (message: HealthCheckResponse) => statuses.push(message.status));
    const ended = new Promise<string>((resolve) => {
      stream.on('end', () => resolve('end'));
      stream.on('error', (error: ServiceError) => resolve(`error ${error.code}`));
    });
    await eventually(async () => statuses.length > 0, 5_000);
    expect(statuses).toEqual(['SERVING']);
    const closing = performance.now();
    closed = true;
    await server.close();
    // The stream ended with the app: the server did not wait out its 10 s grace period for it.
    expect(performance.now() - closing).toBeLessThan(5_000);
    expect(await ended).toBe('end');
    expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
  });
});
