import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type ChannelCredentials, type Client, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync } from '@grpc/proto-loader';
import { FileDescriptorProto } from 'protobufjs/ext/descriptor';
import { GrpcServer } from '../apps/api/src/inference/grpc/grpc-server.service';
import { GRPC_MESSAGE_OPTIONS } from '../apps/api/src/inference/grpc/grpc-tensors';
import { onnxMlp } from './fixtures/models';
import { createKey } from './support/credentials';
import { startServer, uploadVersion, type TestServer } from './support/server';

/** The reflection protos as grpcurl and Postman speak them: grpc/grpc's, shipped in @grpc/reflection. */
const reflectionProtos = join(dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto/grpc/reflection');

type Version = 'v1' | 'v1alpha';

interface ReflectionResponse {
  list_services_response?: { service: Array<{ name: string }> };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

/** The part of a FileDescriptorProto these tests read. */
interface FileDescriptor {
  service?: Array<{ name?: string; method?: Array<{ name?: string }> }>;
  messageType?: Array<{ name?: string; field?: Array<{ name?: string; typeName?: string }>; nestedType?: Array<{ name?: string; options?: { mapEntry?: boolean } }> }>;
}

type ReflectionClient = Client & { ServerReflectionInfo(metadata?: Metadata): ClientDuplexStream<object, ReflectionResponse> };

function reflectionClient(version: Version, address: string): ReflectionClient {
  const loaded = loadPackageDefinition(loadSync(join(reflectionProtos, version, 'reflection.proto'), { keepCase: true })) as unknown as {
    grpc: { reflection: Record<Version, { ServerReflection: new (address: string, creds: ChannelCredentials) => ReflectionClient }> };
  };
  return new loaded.grpc.reflection[version].ServerReflection(address, credentials.createInsecure());
}

/** One request on a reflection stream of a client of its own, and its one response, as a generic client asks them. */
async function ask(address: string, request: object, version: Version = 'v1'): Promise<ReflectionResponse> {
  const client = reflectionClient(version, address);
  try {
    return await new Promise((resolve, reject) => {
      const stream = client.ServerReflectionInfo();
      stream.once('data', (response: ReflectionResponse) => {
        resolve(response);
        stream.end();
      });
      stream.once('error', (error: ServiceError) => reject(error));
      stream.write(request);
    });
  } finally {
    client.close();
  }
}

/** The files reflection answers for `symbol`, decoded. */
async function filesDescribing(address: string, symbol: string): Promise<FileDescriptor[]> {
  const response = await ask(address, { file_containing_symbol: symbol });
  return response.file_descriptor_response!.file_descriptor_proto.map((bytes) => FileDescriptorProto.decode(bytes) as FileDescriptor);
}

/** The descriptors of a file_descriptor_response as one FileDescriptorSet (field 1, repeated, length-delimited). */
function descriptorSet(files: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const length: number[] = [];
    for (let rest = file.length; ; rest >>>= 7) {
      if (rest < 0x80) {
        length.push(rest);
        break;
      }
      length.push((rest & 0x7f) | 0x80);
    }
    parts.push(Buffer.from([0x0a, ...length]), file);
  }
  return Buffer.concat(parts);
}

describe('gRPC server reflection (grpc.reflection.v1 and v1alpha)', () => {
  let server: TestServer;
  let fixtures: string;
  let address: string;
  let predictKey: string;

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'modelgate-grpc-reflection-'));
    server = await startServer({ env: { MODELGATE_GRPC_PORT: '0' } });
    expect((await server.json('/api/models', { method: 'POST', body: JSON.stringify({ name: 'mlp' }) })).status).toBe(201);
    expect((await uploadVersion(server, 'mlp', (await onnxMlp(fixtures)).path)).status).toBe(201);
    predictKey = (await createKey(server, { name: 'grpc client', scopes: ['predict'] })).key;
    address = `127.0.0.1:${server.modelgate.app.get(GrpcServer).port}`;
  });

  afterAll(async () => {
    await server?.close();
    await rm(fixtures, { recursive: true, force: true });
  });

  for (const version of ['v1', 'v1alpha'] as const) {
    it(`lists the inference and health services over ${version}, without a key`, async () => {
      const response = await ask(address, { list_services: '*' }, version);
      const names = response.list_services_response!.service.map((service) => service.name);
      expect(names).toEqual(expect.arrayContaining(['inference.GRPCInferenceService', 'grpc.health.v1.Health']));
    });
  }

  it('describes the inference service: the file of KServe proto with its RPCs', async () => {
    const files = await filesDescribing(address, 'inference.GRPCInferenceService');
    const service = files.flatMap((file) => file.service ?? []).find((candidate) => candidate.name === 'GRPCInferenceService');
    expect(service?.method?.map((method) => method.name)).toEqual(expect.arrayContaining(['ServerLive', 'ServerReady', 'ModelReady', 'ServerMetadata', 'ModelMetadata', 'ModelInfer']));
  });

  it('names map entries as protoc does, which grpcurl, Postman and Python\'s descriptor pool insist on', async () => {
    const files = await filesDescribing(address, 'inference.ModelInferRequest');
    const request = files.flatMap((file) => file.messageType ?? []).find((message) => message.name === 'ModelInferRequest')!;
    expect(request.field!.find((field) => field.name === 'parameters')!.typeName).toBe('.inference.ModelInferRequest.ParametersEntry');
    expect(request.nestedType!.filter((nested) => nested.options?.mapEntry).map((nested) => nested.name)).toEqual(['ParametersEntry']);
  });

  it('answers NOT_FOUND in the stream for a symbol it does not serve', async () => {
    const response = await ask(address, { file_containing_symbol: 'inference.NoSuchService' });
    expect(response.error_response?.error_code).toBe(5);
  });

  it('is enough to call ModelInfer: a client built from the reflected descriptors alone, as grpcurl does', async () => {
    const files = (await ask(address, { file_containing_symbol: 'inference.GRPCInferenceService' })).file_descriptor_response!.file_descriptor_proto;
    const reflected = loadPackageDefinition(loadFileDescriptorSetFromBuffer(descriptorSet(files), GRPC_MESSAGE_OPTIONS)) as unknown as {
      inference: { GRPCInferenceService: new (address: string, creds: ChannelCredentials) => Client };
    };
    const client = new reflected.inference.GRPCInferenceService(address, credentials.createInsecure());
    try {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${predictKey}`);
      const request = { model_name: 'mlp', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [5.1, 3.5, 1.4, 0.2] } }] };
      const grpc = await new Promise<{ outputs: Array<{ name: string; shape: string[] }>; raw_output_contents: Buffer[] }>((resolve, reject) =>
        (client as unknown as { ModelInfer: (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: never) => void) => void }).ModelInfer(request, metadata, (error, response) =>
          error ? reject(error) : resolve(response),
        ),
      );
      const http = await server.json<{ outputs: Array<{ data: number[] }> }>('/v2/models/mlp/infer', {
        method: 'POST',
        body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [5.1, 3.5, 1.4, 0.2] }] }),
      });
      expect(grpc.outputs).toEqual([expect.objectContaining({ name: 'probabilities', shape: ['1', '3'] })]);
      expect([...new Float32Array(Uint8Array.from(grpc.raw_output_contents[0]).buffer)]).toEqual(http.body.outputs[0].data);
    } finally {
      client.close();
    }
  });
});
