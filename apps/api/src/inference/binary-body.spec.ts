import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ModelSignature, NamedTensors } from '@modelgate/runtime';
import type { FastifyReply } from 'fastify';
import { ApiExceptionFilter } from '../common/api-exception.filter';
import {
  RawInferenceBody,
  decodeV2InferBody,
  encodeV2InferBody,
  isTfPredictRoute,
  isV2InferRoute,
  registerInferenceBodyParsers,
  writeV2Body,
} from './binary-body';

const signature: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [
    { name: 'y', datatype: 'FP32', shape: [-1, 2] },
    { name: 'n', datatype: 'INT64', shape: [1] },
  ],
};

/** An echo model: y = x, n = the number of elements, answered as the v2 controller would. */
let lastBody: unknown;

function answer(body: unknown, reply: FastifyReply): string | Buffer {
  lastBody = body;
  const request = decodeV2InferBody(body, signature);
  const x = request.inputs.x;
  const outputs: NamedTensors = { y: x, n: { datatype: 'INT64', shape: [1], data: new BigInt64Array([BigInt(x.data.length)]) } };
  return writeV2Body(
    reply,
    encodeV2InferBody({ modelName: 'echo', modelVersion: 1, id: request.id, outputs, requestedOutputs: request.requestedOutputs, signature }, request),
  );
}

@Controller()
class EchoController {
  @Post('v2/models/:name/infer')
  @HttpCode(200)
  infer(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): string | Buffer {
    return answer(body, reply);
  }

  @Post('v2/models/:name/versions/:version/infer')
  @HttpCode(200)
  inferVersion(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): string | Buffer {
    return answer(body, reply);
  }

  @Post('other')
  @HttpCode(200)
  other(@Body() body: unknown) {
    return { received: body ?? null, raw: Buffer.isBuffer(body) };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

const BODY_LIMIT = 64 * 1024;
let app: NestFastifyApplication;

beforeAll(async () => {
  app = await NestFactory.create<NestFastifyApplication>(EchoModule, new FastifyAdapter({ bodyLimit: BODY_LIMIT, logger: false }), {
    logger: false,
    bodyParser: false,
  });
  registerInferenceBodyParsers(app.getHttpAdapter().getInstance(), BODY_LIMIT);
  app.useGlobalFilters(new ApiExceptionFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});

afterAll(async () => {
  await app?.close();
});

function inject(url: string, payload: string | Buffer, headers: Record<string, string> = {}) {
  return app.getHttpAdapter().getInstance().inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });
}

function binaryRequest(header: unknown, tensor: Float32Array): { payload: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header));
  return { payload: Buffer.concat([json, Buffer.from(tensor.buffer, tensor.byteOffset, tensor.byteLength)]), headerLength: json.length };
}

describe('registerInferenceBodyParsers', () => {
  it('recognises the v2 infer routes, latest and pinned, and nothing else', () => {
    expect(isV2InferRoute('/v2/models/:name/infer')).toBe(true);
    expect(isV2InferRoute('/v2/models/:name/versions/:version/infer')).toBe(true);
    expect(isV2InferRoute('/v2/models/:name')).toBe(false);
    expect(isV2InferRoute('/v1/models/:name:predict')).toBe(false);
    expect(isV2InferRoute(undefined)).toBe(false);
  });

  it('recognises the TF Serving predict routes as Fastify registers them', () => {
    expect(isTfPredictRoute('/v1/models/:name(^[^/:]+)::predict')).toBe(true);
    expect(isTfPredictRoute('/v1/models/:name/versions/:version(^[^/:]+)::predict')).toBe(true);
    expect(isTfPredictRoute('/v1/models/:name/labels/:label(^[^/:]+)::predict')).toBe(true);
    expect(isTfPredictRoute('/v1/models/:name/metadata')).toBe(false);
    expect(isTfPredictRoute('/v2/models/:name/infer')).toBe(false);
    expect(isTfPredictRoute(undefined)).toBe(false);
  });

  it('answers a JSON request with JSON, decoded by the codec from the raw body', async () => {
    const response = await inject('/v2/models/echo/infer', JSON.stringify({ id: 'a', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [1.5, -2] }] }));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['inference-header-content-length']).toBeUndefined();
    expect(lastBody).toBeInstanceOf(RawInferenceBody);
    expect((lastBody as RawInferenceBody).headerLength).toBeUndefined();
    expect(response.json()).toEqual({
      model_name: 'echo',
      model_version: '1',
      id: 'a',
      outputs: [
        { name: 'y', datatype: 'FP32', shape: [1, 2], data: [1.5, -2] },
        { name: 'n', datatype: 'INT64', shape: [1], data: [2] },
      ],
    });
  });

  it('reads JSON whatever the Content-Type, as before', async () => {
    const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [1, 2] }] });
    const response = await inject('/v2/models/echo/versions/3/infer', body, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.statusCode).toBe(200);
    expect(response.json().outputs[0].data).toEqual([1, 2]);
  });

  it('decodes a binary request and answers binary outputs as header + raw bytes', async () => {
    const { payload, headerLength } = binaryRequest(
      {
        inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 2], parameters: { binary_data_size: 16 } }],
        outputs: [{ name: 'y', parameters: { binary_data: true } }, { name: 'n' }],
      },
      new Float32Array([1, 2, 3, 4.5]),
    );
    const response = await inject('/v2/models/echo/infer', payload, {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(headerLength),
    });
    expect(response.statusCode).toBe(200);
    expect((lastBody as RawInferenceBody).headerLength).toBe(headerLength);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    const length = Number(response.headers['inference-header-content-length']);
    const raw = response.rawPayload;
    expect(Number(response.headers['content-length'])).toBe(raw.length);
    expect(JSON.parse(raw.toString('utf8', 0, length))).toEqual({
      model_name: 'echo',
      model_version: '1',
      outputs: [
        { name: 'y', datatype: 'FP32', shape: [2, 2], parameters: { binary_data_size: 16 } },
        { name: 'n', datatype: 'INT64', shape: [1], data: [4] },
      ],
    });
    expect(new Float32Array(Uint8Array.from(raw.subarray(length)).buffer)).toEqual(new Float32Array([1, 2, 3, 4.5]));
  });

  it('takes the binary extension with a JSON Content-Type too, and answers JSON when no output is binary', async () => {
    const { payload, headerLength } = binaryRequest(
      { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], parameters: { binary_data_size: 8 } }] },
      new Float32Array([7, 8]),
    );
    const response = await inject('/v2/models/echo/infer', payload, { 'inference-header-content-length': String(headerLength) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.json().outputs[0].data).toEqual([7, 8]);
  });

  it('answers 400 with the codec message for a malformed binary request', async () => {
    const { payload, headerLength } = binaryRequest(
      { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], parameters: { binary_data_size: 8 } }] },
      new Float32Array([7]),
    );
    const short = await inject('/v2/models/echo/infer', payload, { 'inference-header-content-length': String(headerLength) });
    expect(short.statusCode).toBe(400);
    expect(short.json().error).toBe('input "x": "binary_data_size" is 8 bytes but only 4 bytes of binary data follow the JSON header');
    const bad = await inject('/v2/models/echo/infer', payload, { 'inference-header-content-length': 'lots' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('Inference-Header-Content-Length must be the byte length of the JSON at the start of the body, got "lots"');
  });

  it('answers 400 for invalid JSON on the infer route, worded as the JSON body parser words it', async () => {
    const response = await inject('/v2/models/echo/infer', '{"inputs": [');
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatch(/^the body is not valid JSON \(.+\); send a JSON object$/);
  });

  it('leaves other routes on plain JSON parsing, the inference header ignored', async () => {
    const parsed = await inject('/other', '{"a":[1,2]}', { 'inference-header-content-length': '3' });
    expect(parsed.json()).toEqual({ received: { a: [1, 2] }, raw: false });
    const empty = await inject('/other', '');
    expect(empty.json()).toEqual({ received: null, raw: false });
    const invalid = await inject('/other', '{"a":');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toMatch(/^the body is not valid JSON \(.+\); send a JSON object$/);
    const poisoned = await inject('/other', '{"__proto__":{"x":1}}');
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json().error).toBe('the body is not valid JSON (Object contains forbidden prototype property); send a JSON object');
  });

  it('keeps the body limit', async () => {
    const response = await inject('/v2/models/echo/infer', Buffer.alloc(BODY_LIMIT + 1, 0x20), { 'inference-header-content-length': '0' });
    expect(response.statusCode).toBe(413);
  });
});
