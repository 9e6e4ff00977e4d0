import { ServerInterceptingCall, type ServerInterceptor, type ServerMethodDefinition } from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { ServingMetrics } from '../../telemetry/metrics/serving-metrics';
import { PROMETHEUS_LATENCY_BUCKETS_SECONDS } from '../../telemetry/series/latency-buckets';

/** gRPC status codes by number, named as grpc-go names them, which the grpc_code label of the standard gRPC server metrics carries. */
export const GRPC_CODE_NAMES: readonly string[] = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];

type MethodLabels = { grpc_type: string; grpc_service: string; grpc_method: string };

/** The labels of a method: its kind (unary, client_stream, server_stream, bidi_stream), its service and its name. */
export function methodLabels(method: Pick<ServerMethodDefinition<unknown, unknown>, 'path' | 'requestStream' | 'responseStream'>): MethodLabels {
  const [, service = '', name = ''] = /^\/([^/]*)\/([^/]*)$/.exec(method.path) ?? [];
  const grpc_type = method.requestStream ? (method.responseStream ? 'bidi_stream' : 'client_stream') : method.responseStream ? 'server_stream' : 'unary';
  return { grpc_type, grpc_service: service, grpc_method: name };
}

/**
 * The standard gRPC server metrics (as grpc-ecosystem's go-grpc-prometheus and its ports name them,
 * so that existing gRPC dashboards and alerts read them), for every call of the gRPC server: the
 * inference service, health and reflection, through a server interceptor. They count calls and
 * messages by protocol, where modelgate_requests_total counts predictions whatever their protocol.
 */
@Injectable()
export class GrpcServerMetrics {
  private readonly started: Counter<keyof MethodLabels>;
  private readonly handled: Counter<keyof MethodLabels | 'grpc_code'>;
  private readonly received: Counter<keyof MethodLabels>;
  private readonly sent: Counter<keyof MethodLabels>;
  private readonly seconds: Histogram<keyof MethodLabels>;

  constructor(metrics: ServingMetrics) {
    const registers = [metrics.registry];
    const labelNames = ['grpc_type', 'grpc_service', 'grpc_method'] as const;
    this.started = new Counter({ name: 'grpc_server_started_total', help: 'RPCs started on the gRPC server', labelNames, registers });
    this.handled = new Counter({ name: 'grpc_server_handled_total', help: 'RPCs completed on the gRPC server, by status code', labelNames: [...labelNames, 'grpc_code'], registers });
    this.received = new Counter({ name: 'grpc_server_msg_received_total', help: 'Messages received from clients (a stream counts each)', labelNames, registers });
    this.sent = new Counter({ name: 'grpc_server_msg_sent_total', help: 'Messages sent to clients (a stream counts each)', labelNames, registers });
    this.seconds = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'From the start of an RPC to its status, whatever the status (a stream: the whole stream)',
      labelNames,
      buckets: [...PROMETHEUS_LATENCY_BUCKETS_SECONDS],
      registers,
    });
  }

  /** The interceptor the gRPC server runs around every call. */
  readonly interceptor: ServerInterceptor = (method, call) => {
    const labels = methodLabels(method);
    const begun = performance.now();
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      this.handled.inc({ ...labels, grpc_code: GRPC_CODE_NAMES[code] ?? String(code) });
      this.seconds.observe(labels, (performance.now() - begun) / 1000);
    };
    this.started.inc(labels);
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage: (message, nextMessage) => {
            this.received.inc(labels);
            nextMessage(message);
          },
          onCancel: () => finish(1),
        }),
      sendMessage: (message, next) => {
        this.sent.inc(labels);
        next(message);
      },
      sendStatus: (status, next) => {
        finish(status.code);
        next(status);
      },
    });
  };
}
