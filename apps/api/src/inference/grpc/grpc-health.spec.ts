import { EventEmitter } from 'node:events';
import { Metadata } from '@grpc/grpc-js';
import type { HealthService } from '../../telemetry/health.service';
import type { RequestTelemetry } from '../../telemetry/request-telemetry';
import { GrpcHealth, servingStatus } from './grpc-health';
import { GRPC_SERVICE } from './grpc-inference';

/** A Watch call as grpc-js hands it over: what the server wrote, whether it ended, and a way to cancel it. */
class FakeStream extends EventEmitter {
  readonly metadata = new Metadata();
  readonly written: string[] = [];
  ended = false;
  constructor(readonly request: { service?: string }) {
    super();
  }
  write(message: { status: string }): boolean {
    if (this.ended) throw new Error('written after the end');
    this.written.push(message.status);
    return true;
  }
  end(): void {
    this.ended = true;
  }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('servingStatus', () => {
  it.each<[string, boolean, boolean, string | undefined]>([
    ['liveness', false, false, 'SERVING'],
    ['liveness', true, true, 'NOT_SERVING'],
    ['', true, false, 'SERVING'],
    ['', false, false, 'NOT_SERVING'],
    ['readiness', true, false, 'SERVING'],
    [GRPC_SERVICE, true, false, 'SERVING'],
    [GRPC_SERVICE, true, true, 'NOT_SERVING'],
    ['other.Service', true, false, undefined],
  ])('answers %j (ready %s, stopping %s) with %s', (service, ready, stopping, expected) => {
    expect(servingStatus(service, ready, stopping)).toBe(expected);
  });
});

describe('GrpcHealth Watch', () => {
  let ready: boolean;
  let checks: number;
  let health: GrpcHealth;
  const watch = (service: string) => {
    const stream = new FakeStream({ service });
    (health.implementation().Watch as unknown as (call: FakeStream) => void)(stream);
    return stream;
  };

  beforeEach(() => {
    ready = true;
    checks = 0;
    const service = { readiness: async () => (checks++, { ready, checks: { database: ready, migrations: true, models: true } }) } as unknown as HealthService;
    const telemetry = { answered: () => undefined } as unknown as RequestTelemetry;
    health = new GrpcHealth(service, telemetry, 10);
  });

  afterEach(() => health.stop());

  it('sends the status at once, then each change only', async () => {
    const stream = watch('');
    await wait(30);
    expect(stream.written).toEqual(['SERVING']);
    ready = false;
    await wait(40);
    ready = true;
    await wait(40);
    expect(stream.written).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);
    expect(stream.ended).toBe(false);
  });

  it('answers SERVICE_UNKNOWN to an unknown service and keeps the stream open', async () => {
    const stream = watch('other.Service');
    await wait(30);
    expect(stream.written).toEqual(['SERVICE_UNKNOWN']);
    expect(stream.ended).toBe(false);
  });

  it('sends NOT_SERVING and ends every stream at stop, and then polls no more', async () => {
    const server = watch(GRPC_SERVICE);
    const live = watch('liveness');
    await wait(30);
    health.stop();
    expect(server.written).toEqual(['SERVING', 'NOT_SERVING']);
    expect(live.written).toEqual(['SERVING', 'NOT_SERVING']);
    expect(server.ended && live.ended).toBe(true);
    const checksAtStop = checks;
    await wait(40);
    expect(checks).toBe(checksAtStop);
    const late = watch('');
    expect(late.written).toEqual(['NOT_SERVING']);
    expect(late.ended).toBe(true);
  });

  it('stops polling once the last stream is cancelled', async () => {
    const stream = watch('');
    await wait(30);
    stream.emit('cancelled');
    await wait(20);
    const checksAfterCancel = checks;
    await wait(40);
    expect(checks).toBe(checksAfterCancel);
  });
});
