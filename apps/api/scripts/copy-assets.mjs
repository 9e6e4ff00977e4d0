// Copies the files the API reads at run time beside its compiled code (tsc emits only JavaScript):
// every .proto under src/ to the same place under dist/, e.g. the gRPC service's
// src/inference/grpc/grpc_predict_v2.proto. Run by the api build after tsc.
import { cpSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src');
const target = join(root, 'dist');

for (const entry of readdirSync(source, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.proto')) continue;
  const from = join(entry.parentPath, entry.name);
  cpSync(from, join(target, relative(source, from)));
}
