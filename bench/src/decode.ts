/**
 * `npm run bench:decode`: the cost of reading one request body into a tensor, on this thread, no
 * HTTP: Modelgate's v2 JSON, v2 binary and TF Serving codecs against what a hand-written server does
 * with the same bodies (`JSON.parse`, then `Float32Array.from` of the flat `data`, or of the nested
 * `instances` after `.flat(Infinity)`; for binary, `JSON.parse` of the header and a copy of the
 * tensor's bytes). The bodies are the HTTP bench's own (bench/src/protocols.ts).
 *
 *   npm run bench:decode                                   # this checkout's built codecs
 *   npm run bench:decode -- --compare=/tmp/modelgate-OLD   # and another build's, in the same run
 *
 * Each figure is the fastest of 30 rounds of N decodes after a warm-up (the least disturbed by the
 * rest of the machine), the decoders taking turns round by round; the ratios are taken in the same
 * run, so compare them rather than the microseconds across runs.
 */
import { join, resolve } from 'node:path';
import { sampleInstance } from './instances';
import { type BenchModel, MODEL_KEYS, MODEL_SHAPES } from './models';
import { BINARY_HEADER, buildRequest } from './protocols';
import { table } from './report';

const ROOT = resolve(__dirname, '..', '..');
const ROUNDS = 30;

type Decoder = (body: Buffer) => unknown;

interface Codecs {
  label: string;
  v2: Decoder;
  binary: Decoder;
  tf: Decoder;
}

type Body = keyof Omit<Codecs, 'label'>;

/** Inference-Header-Content-Length of the binary body being decoded. */
let binaryHeaderLength = 0;

function loadCodecs(checkout: string, label: string): Codecs {
  const codecs = join(checkout, 'apps/api/dist/inference/codecs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { decodeV2RequestText } = require(join(codecs, 'v2.text.js')) as { decodeV2RequestText: (body: Uint8Array, signature: unknown) => unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { scanPredictRequest } = require(join(codecs, 'tfserving.text.js')) as { scanPredictRequest: (body: Uint8Array, signature: unknown) => unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { decodeV2BinaryRequest } = require(join(codecs, 'v2.binary.js')) as {
    decodeV2BinaryRequest: (body: Uint8Array, headerLength: number, signature: unknown) => unknown;
  };
  return {
    label,
    v2: (body) => decodeV2RequestText(body, signatureOf(current)),
    binary: (body) => decodeV2BinaryRequest(body, binaryHeaderLength, signatureOf(current)),
    tf: (body) => {
      const decoded = scanPredictRequest(body, signatureOf(current));
      if (decoded === undefined) throw new Error(`${label}: the TF Serving scanner left the body to the generic path`);
      return decoded;
    },
  };
}

let current: BenchModel;

function signatureOf(model: BenchModel): unknown {
  return {
    inputs: [{ name: model.inputName, datatype: 'FP32', shape: [-1, ...model.instanceShape] }],
    outputs: [{ name: model.outputName, datatype: 'FP32', shape: [-1, ...model.outputShape] }],
  };
}

const byHand: Record<Body, Decoder> = {
  v2: (body) => Float32Array.from((JSON.parse(body.toString('utf8')) as { inputs: { data: number[] }[] }).inputs[0].data),
  binary: (body) => {
    const header = JSON.parse(body.toString('utf8', 0, binaryHeaderLength)) as { inputs: { parameters: { binary_data_size: number } }[] };
    const size = header.inputs[0].parameters.binary_data_size;
    return new Float32Array(body.buffer.slice(body.byteOffset + binaryHeaderLength, body.byteOffset + binaryHeaderLength + size));
  },
  tf: (body) => Float32Array.from((JSON.parse(body.toString('utf8')) as { instances: unknown[] }).instances.flat(Infinity) as number[]),
};

/**
 * Microseconds per decode in each decoder's fastest round. The rounds take turns (a round of each
 * decoder, then the next), so that a slow spell of the machine falls on all of them alike.
 */
function time(decoders: readonly Decoder[], body: Buffer, count: number): number[] {
  for (const decode of decoders) for (let index = 0; index < count; index++) decode(body);
  const fastest = decoders.map(() => Infinity);
  for (let round = 0; round < ROUNDS; round++) {
    decoders.forEach((decode, which) => {
      const started = process.hrtime.bigint();
      for (let index = 0; index < count; index++) decode(body);
      fastest[which] = Math.min(fastest[which], Number(process.hrtime.bigint() - started) / count / 1000);
    });
  }
  return fastest;
}

function main(): void {
  const compare = process.argv.slice(2).flatMap((arg) => (arg.startsWith('--compare=') ? [resolve(arg.slice('--compare='.length))] : []));
  const builds = [loadCodecs(ROOT, 'Modelgate (this checkout)'), ...compare.map((dir) => loadCodecs(dir, `Modelgate (${dir})`))];
  const rows: string[][] = [];
  for (const key of MODEL_KEYS) {
    current = { ...MODEL_SHAPES[key], key, name: `bench-${key}`, path: '', fileBytes: 0 };
    const instance = sampleInstance(current);
    const count = key === 'cnn' ? 200 : 20_000;
    const bodies = [
      ['v2', 'v2-json', 'v2 JSON', 'JSON.parse + Float32Array.from (by hand)'],
      ['binary', 'v2-binary', 'v2 binary', 'JSON.parse of the header + copy (by hand)'],
      ['tf', 'tf-rest', 'TF Serving REST', 'JSON.parse + Float32Array.from (by hand)'],
    ] as const;
    for (const [codec, protocol, label, handLabel] of bodies) {
      const request = buildRequest(protocol, current, instance);
      binaryHeaderLength = Number(request.headers[BINARY_HEADER] ?? 0);
      const [baseline, ...measured] = time([byHand[codec], ...builds.map((build) => build[codec])], request.body, count);
      rows.push([key, label, handLabel, baseline.toFixed(2), '1.00x']);
      builds.forEach((build, which) => rows.push([key, label, build.label, measured[which].toFixed(2), `${(baseline / measured[which]).toFixed(2)}x`]));
    }
  }
  process.stdout.write(`${table(['model', 'body', 'decoder', 'us per body', 'speed vs by hand'], rows).join('\n')}\n`);
}

main();
