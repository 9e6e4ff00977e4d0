import { ConfigError, loadConfig } from './config/config';
import { createModelgate } from './app';
import { applyHeapGrowth } from './config/heap-growth';
import { GrpcServer } from './inference/grpc/grpc-server.service';

async function main(): Promise<void> {
  const config = loadConfig();
  applyHeapGrowth(config.heapGrowingPercent);
  const modelgate = await createModelgate(config);
  const url = (await modelgate.listen()).replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost');
  process.stdout.write(`Modelgate is serving on ${url} (API docs at /docs)\n`);
  const grpc = modelgate.app.get(GrpcServer).address;
  if (grpc !== undefined) process.stdout.write(`Open Inference Protocol over gRPC on ${grpc.replace('0.0.0.0', 'localhost')}\n`);
  // Unbuilt, the dashboard module has logged how to build it instead.
  if (config.dashboard.built) process.stdout.write(`Dashboard: ${url}/\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error)?.stack ?? String(error))}\n`);
  process.exit(1);
});
