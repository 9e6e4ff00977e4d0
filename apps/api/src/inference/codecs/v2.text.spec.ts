import { InputValidationError, type DataType, type ModelSignature, type TensorData } from '@modelgate/runtime';
import secureJsonParse from 'secure-json-parse';
import { decodeV2Request, type V2InferRequest } from './v2.codec';
import { MISS, decodeScanned, decodeV2RequestText, scanJsonHeader } from './v2.text';

const signature: ModelSignature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
    { name: 'label', datatype: 'INT64', shape: [-1] },
  ],
};

/** The generic path exactly as the server ran it before: the JSON body parser, then decodeV2Request. */
function reference(text: string): V2InferRequest {
  let body: unknown;
  if (text.trim().length > 0) {
    try {
      body = secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      throw new InputValidationError(`the body is not valid JSON (${(error as Error).message}); send a JSON object`);
    }
  }
  return decodeV2Request(body, signature);
}

/** Tensor data as bytes (so that -0, NaN payloads and 64-bit values compare exactly). */
function canonicalData(data: TensorData): unknown {
  if (Array.isArray(data)) return { bytes: data.map((element) => Buffer.from(element).toString('hex')) };
  return { type: data.constructor.name, hex: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex') };
}

/** A request, or the error it raised, in a form toEqual compares exactly. */
function outcome(run: () => V2InferRequest): unknown {
  try {
    const request = run();
    const inputs = Object.fromEntries(
      Object.entries(request.inputs).map(([name, tensor]) => [name, { ...tensor, data: canonicalData(tensor.data) }]),
    );
    const binaryOutputs = request.binaryOutputs && {
      byDefault: request.binaryOutputs.byDefault,
      byName: [...request.binaryOutputs.byName],
    };
    return { ...request, inputs, binaryOutputs, keys: Object.keys(request) };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message, input: (error as InputValidationError).input };
  }
}

/** Whether the scanner decoded the body itself (rather than handing it to the generic path). */
function fastPathTaken(text: string): boolean {
  const bytes = Buffer.from(text);
  const scanned = scanJsonHeader(bytes, bytes.length);
  if (scanned === MISS) return false;
  let generic = false;
  try {
    decodeScanned(scanned, signature, () => undefined, () => {
      generic = true;
      return { inputs: {} };
    });
  } catch {
    // An error the generic path would raise alike: still the fast path's answer.
  }
  return !generic;
}

function expectSame(text: string): void {
  const expected = outcome(() => reference(text));
  expect(outcome(() => decodeV2RequestText(text, signature)), text.slice(0, 300)).toEqual(expected);
  expect(outcome(() => decodeV2RequestText(Buffer.from(text), signature)), text.slice(0, 300)).toEqual(expected);
}

const body = (inputs: string, rest = '') => `{"inputs":[${inputs}]${rest}}`;
const input = (datatype: string, shape: string, data: string) => `{"name":"x","datatype":"${datatype}","shape":${shape},"data":${data}}`;

describe('decodeV2RequestText', () => {
  it('decodes a typical request on the fast path', () => {
    const text = body(input('FP32', '[2,2]', '[[1.5,-2],[3e2,0.1]]'), ',"id":"7","outputs":[{"name":"label"}]');
    expect(fastPathTaken(text)).toBe(true);
    const request = decodeV2RequestText(Buffer.from(text), signature);
    expect(request.inputs.x).toEqual({ datatype: 'FP32', shape: [2, 2], data: new Float32Array([1.5, -2, 300, 0.1]) });
    expect(request.id).toBe('7');
    expect(request.requestedOutputs).toEqual(['label']);
    expectSame(text);
  });

  it('reads plain numbers in their own loop exactly as the generic path does, at and past its limits', () => {
    // Around scanPlainFloats' limits (15 significant digits, 22 decimals, a comma after each) and
    // the forms it must hand back to the general loop (exponents, spaces, a list's last number).
    const elements = [
      '0.1234', '-0.1234', '-0', '0', '7', '123456789012345', '1234567890123456', '0.123456789012345', '0.1234567890123456',
      '0.0000000000000000000001', '0.00000000000000000000001', '-1.5e3', '2E-2', '3.25', '0.5 ', '100', '0.1',
    ];
    for (const order of [elements, [...elements].reverse()]) {
      const text = body(input('FP32', `[${order.length}]`, `[${order.join(',')}]`));
      expect(fastPathTaken(text)).toBe(true);
      expect(Array.from(decodeV2RequestText(Buffer.from(text), signature).inputs.x.data as Float32Array)).toEqual(
        order.map((element) => Math.fround(Number(element))),
      );
      expectSame(text);
    }
    // Refused as the generic path refuses them: not JSON numbers.
    for (const bad of ['01', '1.', '-', '.5', '--1', '1.2.3']) expectSame(body(input('FP32', '[3]', `[0.5,${bad},0.25]`)));
  });

  it('decodes a 3x64x64 FP32 image as the generic path does, in every number style clients write', () => {
    const count = 3 * 64 * 64;
    const random = mulberry32(1);
    const floats = Float32Array.from({ length: count }, () => (random() * 2 - 1) * 10 ** Math.floor(random() * 6 - 3));
    const styles: ((value: number) => string)[] = [
      (value) => String(value), // a float32 as a double: 17 digits (numpy .tolist(), then Python's json)
      (value) => String(Number(value.toPrecision(9))), // shortest float32 text
      (value) => value.toExponential(12).replace('e', 'E'),
      (value) => String(Math.round((value + 10) * 255) / 255),
    ];
    for (const style of styles) {
      const data = '[' + Array.from(floats, style).join(',') + ']';
      const text = body(input('FP32', '[1,3,64,64]', data));
      expect(fastPathTaken(text)).toBe(true);
      expectSame(text);
    }
  });

  describe('identical results on edge cases', () => {
    const cases: [string, string][] = [
      ['negative zero', body(input('FP32', '[4]', '[-0, 0, -0.0, -0e5]'))],
      ['negative zero FP64', body(input('FP64', '[2]', '[-0, -0.0E-0]'))],
      ['exponents', body(input('FP64', '[8]', '[1e5, 1E5, 1e+5, 1e-5, 1.5e-300, 1e400, 0e999, -1e-400]'))],
      ['exponents FP32', body(input('FP32', '[7]', '[1e5, 1E-5, 1e+38, 3.4028234663852886e38, 3.4028235677973366e38, 1e39, 1e-46]'))],
      ['FP32 underflow and subnormals', body(input('FP32', '[4]', '[1e-45, 1.4e-45, 7e-46, 1.1754942e-38]'))],
      ['NaN and infinity strings', body(input('FP32', '[3]', '["NaN","Infinity","-Infinity"]'))],
      ['bad non-finite strings', body(input('FP32', '[2]', '["nan","inf"]'))],
      ['bare NaN token', body(input('FP32', '[1]', '[NaN]'))],
      ['float32 rounding midpoints', body(input('FP32', '[6]', '[1.000000059604644775390625, 1.0000000596046447754, 1.0000000596046447753, 1.00000005960464477539062500001, 16777217, 16777217.000000000001]'))],
      ['19 and 25 digit mantissas', body(input('FP32', '[3]', '[0.1234567890123456789, 1234567890123456789012345, 0.0000000000000000000001234567890123456789]'))],
      ['2^53 boundaries FP64', body(input('FP64', '[4]', '[9007199254740992, 9007199254740993, 9007199254740991.5, 18014398509481985]'))],
      ['2^53 boundaries INT64', body(input('INT64', '[1]', '[9007199254740993]'))],
      ['INT64 safe and strings', body(input('INT64', '[4]', '[9007199254740991, -9007199254740991, "-9223372036854775808", "9223372036854775807"]'))],
      ['INT64 fraction', body(input('INT64', '[1]', '[1.5]'))],
      ['INT64 written as float', body(input('INT64', '[2]', '[1.0, 2e3]'))],
      ['UINT64 negative', body(input('UINT64', '[1]', '[-1]'))],
      ['UINT64 max string', body(input('UINT64', '[1]', '["18446744073709551615"]'))],
      ['INT8 out of range', body(input('INT8', '[2]', '[127, 128]'))],
      ['UINT8 negative', body(input('UINT8', '[1]', '[-1]'))],
      ['INT32 range', body(input('INT32', '[2]', '[-2147483648, 2147483647]'))],
      ['INT32 out of range', body(input('INT32', '[1]', '[2147483648]'))],
      ['UINT32 as exponent', body(input('UINT32', '[1]', '[4.294967295e9]'))],
      ['FP16', body(input('FP16', '[4]', '[0.5, -2, 65504, 1e-8]'))],
      ['FP16 overflow', body(input('FP16', '[1]', '[65520]'))],
      ['BOOL', body(input('BOOL', '[4]', '[true, false, 1, 0]'))],
      ['BOOL bad', body(input('BOOL', '[1]', '[2]'))],
      ['BOOL null', body(input('BOOL', '[1]', '[null]'))],
      ['BYTES', body(input('BYTES', '[4]', '["héllo", "", "a\\"b\\\\c\\n", "\\u00e9\\ud83d\\ude00"]'))],
      ['BYTES raw UTF-8 and lone surrogate escape', body(input('BYTES', '[2]', '["日本語 😀", "\\ud800"]'))],
      ['BYTES base64', body(input('BYTES', '[2]', '[{"b64":"aGk="}, "x"]'))],
      ['BYTES bad base64', body(input('BYTES', '[1]', '[{"b64":"@@"}]'))],
      ['BYTES number', body(input('BYTES', '[1]', '[5]'))],
      ['whitespace everywhere', ' \t\n{ "inputs" :\r\n [ { "name" : "x" , "datatype" : "FP32" , "shape" : [ 2 , 2 ] , "data" : [ [ 1 , 2 ] ,\n [ 3 ,\t4 ] ] } ] } \n'],
      ['nested any way', body(input('FP32', '[2,2,2]', '[[1,2,3,4],[5,6,7,8]]'))],
      ['ragged nesting', body(input('FP32', '[2,2]', '[[1,2],3,[4]]'))],
      ['empty lists inside', body(input('FP32', '[2,2]', '[[],[1,2],[],[3,4],[]]'))],
      ['nested deeper than the shape', body(input('FP32', '[2]', '[[[1]],[[2]]]'))],
      ['nested deeper than the shape, empty', body(input('FP32', '[2]', '[[[]],[1,2]]'))],
      ['nested in flat data', body(input('FP32', '[2]', '[1,[2]]'))],
      ['object in flat data', body(input('FP32', '[2]', '[1,{}]'))],
      ['too few elements', body(input('FP32', '[2,4]', '[1,2,3,4,5,6,7]'))],
      ['too many elements', body(input('FP32', '[2]', '[1,2,3]'))],
      ['too many bad elements', body(input('FP32', '[2]', '[1,2,"x"]'))],
      ['a huge shape', body(input('FP64', '[1000000000,1000000000]', '[[1]]'))],
      ['scalar', body(input('INT32', '[]', '[7]'))],
      ['empty tensor', body(input('FP32', '[0,4]', '[]'))],
      ['empty tensor, nested', body(input('FP32', '[0,4]', '[[]]'))],
      ['data not an array', body(input('FP32', '[1]', '1'))],
      ['data null', body(input('FP32', '[1]', 'null'))],
      ['data before datatype', body('{"name":"x","data":[1,2],"datatype":"FP32","shape":[2]}')],
      ['data before shape', body('{"name":"x","datatype":"FP32","data":[1,2],"shape":[2]}')],
      ['bad datatype', body(input('FLOAT', '[1]', '[1]'))],
      ['bad shape', body(input('FP32', '[-1]', '[1]'))],
      ['fractional shape', body(input('FP32', '[1.5]', '[1]'))],
      ['shape with exponent', body(input('FP32', '[1e0]', '[1]'))],
      ['two inputs', body(`${input('FP32', '[1]', '[1]')},{"name":"y","datatype":"INT8","shape":[2],"data":[1,-1]}`)],
      ['duplicate input', body(`${input('FP32', '[1]', '[1]')},${input('FP32', '[1]', '[2]')}`)],
      ['duplicate data key', body('{"name":"x","datatype":"FP32","shape":[1],"data":[1],"data":[2]}')],
      ['duplicate datatype key', body('{"name":"x","datatype":"INT8","datatype":"FP32","shape":[1],"data":[1.5]}')],
      ['duplicate top-level key', `{"inputs":[],"inputs":[${input('FP32', '[1]', '[1]')}]}`],
      ['input named __proto__', body(input('FP32', '[1]', '[1]').replace('"x"', '"__proto__"'))],
      ['__proto__ key', body(input('FP32', '[1]', '[1]'), ',"__proto__":{"polluted":1}')],
      ['constructor key', body(input('FP32', '[1]', '[1]'), ',"constructor":{"prototype":{}}')],
      ['harmless constructor key', body(input('FP32', '[1]', '[1]'), ',"parameters":{"constructor":1}')],
      ['id, parameters, outputs', body(input('FP32', '[1,4]', '[1,2,3,4]'), ',"id":"a","parameters":{"p":[1,{"q":null}],"r":-1.5e3},"outputs":[{"name":"label"},{"name":"label"}]')],
      ['numeric id', body(input('FP32', '[1]', '[1]'), ',"id":42')],
      ['unknown output', body(input('FP32', '[1]', '[1]'), ',"outputs":[{"name":"nope"}]')],
      ['binary outputs', body(input('FP32', '[1]', '[1]'), ',"parameters":{"binary_data_output":true},"outputs":[{"name":"label","parameters":{"binary_data":false}}]')],
      ['bad binary_data_output', body(input('FP32', '[1]', '[1]'), ',"parameters":{"binary_data_output":1}')],
      ['binary_data_size without binary data', body('{"name":"x","datatype":"FP32","shape":[1],"parameters":{"binary_data_size":4}}')],
      ['binary_data_size with data', body('{"name":"x","datatype":"FP32","shape":[1],"parameters":{"binary_data_size":4},"data":[1]}')],
      ['input parameters not an object', body('{"name":"x","datatype":"FP32","shape":[1],"parameters":[],"data":[1]}')],
      ['input not an object', body('7')],
      ['inputs not an array', '{"inputs":{}}'],
      ['no inputs', '{"id":"x"}'],
      ['empty inputs', '{"inputs":[]}'],
      ['empty body', ''],
      ['blank body', '  \n '],
      ['null body', 'null'],
      ['array body', '[]'],
      ['byte-order mark', '\ufeff' + body(input('FP32', '[1]', '[1]'))],
      ['trailing garbage', body(input('FP32', '[1]', '[1]')) + ' x'],
      ['trailing comma in data', body(input('FP32', '[2]', '[1,2,]'))],
      ['trailing comma in object', '{"inputs":[],}'],
      ['leading zero', body(input('FP32', '[1]', '[01]'))],
      ['bare fraction', body(input('FP32', '[1]', '[.5]'))],
      ['bare point', body(input('FP32', '[1]', '[1.]'))],
      ['bare minus', body(input('FP32', '[1]', '[-]'))],
      ['plus sign', body(input('FP32', '[1]', '[+1]'))],
      ['empty exponent', body(input('FP32', '[1]', '[1e]'))],
      ['hex', body(input('FP32', '[1]', '[0x10]'))],
      ['two points', body(input('FP32', '[1]', '[1.2.3]'))],
      ['missing comma', body(input('FP32', '[2]', '[1 2]'))],
      ['invalid escape', body(input('BYTES', '[1]', '["\\x"]'))],
      ['control character in a string', body(input('BYTES', '[1]', '["a\u0001b"]'))],
      ['truncated', body(input('FP32', '[2]', '[1,2]')).slice(0, -3)],
      ['unterminated string', '{"inputs":[{"name":"x'],
      ['single quotes', "{'inputs':[]}"],
      ['deep parameters', body(input('FP32', '[1]', '[1]'), ',"parameters":{"deep":' + '['.repeat(300) + ']'.repeat(300) + '}')],
      [
        'integers and other numbers outside data',
        body(input('FP32', '[1]', '[1]'), ',"parameters":{"a":0,"b":-0,"c":123456789012345,"d":1234567890123456,"e":-7,"f":1.5,"g":2e3,"h":12345678901234567890,"i":[007]}'),
      ],
      ['integers in a shape', body(input('FP32', '[000000000000001]', '[1]'))],
      // Short strings come from a small table keyed by a hash of their bytes: hundreds of distinct
      // names of one length, near-identical ones included, must each come back as written.
      ['many short strings', body(input('FP32', '[1]', '[1]'), `,"parameters":{"names":[${Array.from({ length: 700 }, (_, i) => `"v${i}","${String(i).padStart(3, '0')}"`).join(',')}]}`)],
      ['many short names', body(input('FP32', '[1]', '[1]'), `,"parameters":{${Array.from({ length: 700 }, (_, i) => `"k${i}":"${String(700 - i).padStart(3, '0')}"`).join(',')}}`)],
      ['names past the table length', body(input('FP32', '[1]', '[1]'), `,"parameters":{"${'a'.repeat(32)}":"${'b'.repeat(33)}","${'a'.repeat(33)}":"é${'c'.repeat(20)}"}`)],
    ];
    it.each(cases)('%s', (_label, text) => expectSame(text));
  });

  it('reads the same short names alike however often they recur, and different ones differently', () => {
    // The same bodies in turn: the second time, every name comes from the table.
    const names = ['x', 'y', 'ab', 'ba', 'features', 'featureS', 'datatype'];
    for (let round = 0; round < 3; round++) {
      for (const name of names) {
        const text = body(input('FP32', '[1]', '[1]').replace('"x"', `"${name}"`), `,"id":"${name}","parameters":{"${name}":"${name}"}`);
        const request = decodeV2RequestText(text, { ...signature, inputs: [{ name, datatype: 'FP32', shape: [-1] }] });
        expect(Object.keys(request.inputs)).toEqual([name]);
        expect(request.id).toBe(name);
        expect(request.parameters).toEqual({ [name]: name });
      }
    }
  });

  it('gives the same results as the generic path on thousands of random bodies', () => {
    const random = mulberry32(42);
    let valid = 0;
    let handedBack = 0;
    for (let round = 0; round < 3000; round++) {
      const generated = randomBody(random);
      let text = generated.text;
      // Now and then, a corrupted body: both paths must fail (or not) alike.
      const corrupted = random() < 0.15;
      if (corrupted) text = corrupt(text, random);
      expectSame(text);
      // Valid bodies are decoded by the scanner itself, except those it leaves to the generic
      // path on purpose (data before datatype or shape, {"b64": ...} elements).
      if (!corrupted && generated.usual && !(outcome(() => reference(text)) as { error?: string }).error) {
        valid++;
        if (!fastPathTaken(text)) handedBack++;
      }
    }
    expect(valid).toBeGreaterThan(500);
    expect(handedBack).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Random bodies.

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DATATYPES: DataType[] = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function space(random: () => number): string {
  return random() < 0.8 ? '' : pick(random, [' ', '\n', '\t', '\r\n', '  ']);
}

/** A number written one of the ways JSON allows, from plain to many-digit exponent forms. */
function numberText(random: () => number, value: number): string {
  if (!Number.isFinite(value)) return JSON.stringify(String(value));
  switch (Math.floor(random() * 8)) {
    case 0:
      return value.toExponential(Math.floor(random() * 20));
    case 1:
      return value.toPrecision(1 + Math.floor(random() * 21)).replace('e', random() < 0.5 ? 'E' : 'e');
    case 2: {
      // A long, arbitrary digit string near the value: exercises the approximate FP32 path.
      const digits = Array.from({ length: 15 + Math.floor(random() * 10) }, () => Math.floor(random() * 10)).join('');
      const exponent = Math.floor(random() * 50) - 25;
      return `${value < 0 ? '-' : ''}${1 + Math.floor(random() * 9)}.${digits}e${exponent}`;
    }
    case 3:
      return String(Math.fround(value));
    default:
      return String(value);
  }
}

function elementText(random: () => number, datatype: DataType): string {
  const roll = random();
  if (roll < 0.02) return pick(random, ['null', 'true', '"x"', '{}', '1e999', '"NaN"', '-0']);
  switch (datatype) {
    case 'BOOL':
      return pick(random, ['true', 'false', '0', '1', random() < 0.1 ? '2' : '1']);
    case 'BYTES':
      return JSON.stringify(pick(random, ['', 'a', 'héllo', 'tab\there', 'quote"', '😀', 'x'.repeat(20)]));
    case 'FP16':
    case 'FP32':
    case 'FP64': {
      if (random() < 0.05) return pick(random, ['"NaN"', '"Infinity"', '"-Infinity"']);
      const magnitude = 10 ** (Math.floor(random() * 12) - 6);
      return numberText(random, (random() * 2 - 1) * magnitude);
    }
    case 'INT64':
    case 'UINT64':
      if (random() < 0.2) return JSON.stringify(String(BigInt(Math.floor(random() * 2 ** 53)) * 1000n - 5n));
      return String(Math.floor((random() - 0.3) * 2 ** (random() < 0.1 ? 60 : 40)));
    default: {
      const bits = Number(datatype.replace(/\D/g, ''));
      const value = Math.floor((random() - 0.45) * 2 ** (bits + (random() < 0.1 ? 1 : 0)));
      return random() < 0.1 ? value.toExponential() : String(value);
    }
  }
}

/** Row-major elements written flat, nested by the shape, or nested some other way. */
function dataText(random: () => number, elements: string[], shape: number[]): string {
  const style = random();
  if (style < 0.4 || shape.length < 2) return '[' + elements.map((element) => space(random) + element).join(',') + space(random) + ']';
  if (style < 0.8) {
    const nest = (level: number, offset: number): string => {
      if (level === shape.length) return elements[offset];
      let stride = 1;
      for (let axis = level + 1; axis < shape.length; axis++) stride *= shape[axis];
      const parts = Array.from({ length: shape[level] }, (_, index) => nest(level + 1, offset + index * stride));
      return '[' + space(random) + parts.join(',' + space(random)) + ']';
    };
    return nest(0, 0);
  }
  // Rows of arbitrary lengths (still leaves at most one level down).
  const rows: string[] = [];
  for (let index = 0; index < elements.length; ) {
    const size = 1 + Math.floor(random() * 3);
    rows.push('[' + elements.slice(index, index + size).join(',') + ']');
    index += size;
  }
  return '[' + rows.join(',') + ']';
}

/** A random request; `usual` when it holds nothing the scanner leaves to the generic path. */
function randomBody(random: () => number): { text: string; usual: boolean } {
  let usual = true;
  const inputCount = 1 + Math.floor(random() * 3);
  const inputs: string[] = [];
  for (let position = 0; position < inputCount; position++) {
    const datatype = pick(random, DATATYPES);
    const shape = Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * 4));
    let count = shape.reduce((product, dimension) => product * dimension, 1);
    if (random() < 0.05) count += pick(random, [-1, 1]);
    const elements = Array.from({ length: Math.max(count, 0) }, () => elementText(random, datatype));
    if (datatype === 'BYTES' && elements.length > 0 && random() < 0.2) {
      elements[0] = `{"b64":"${Buffer.from([Math.floor(random() * 256)]).toString('base64')}"}`;
      usual = false;
    }
    const members = [
      `"name":${JSON.stringify(random() < 0.05 ? 'x' : `in${position}`)}`,
      `"datatype":"${random() < 0.02 ? 'FLOAT' : datatype}"`,
      `"shape":[${shape.join(',')}]`,
      `"data":${dataText(random, elements, shape)}`,
    ];
    if (random() < 0.1) members.push('"parameters":{"content_type":"str"}');
    // Usually name, datatype, shape, data; now and then another order.
    if (random() < 0.1) {
      members.reverse();
      usual = false;
    }
    inputs.push('{' + space(random) + members.join(',' + space(random)) + space(random) + '}');
  }
  const top = [`"inputs":[${inputs.join(',' + space(random))}]`];
  if (random() < 0.3) top.push(`"id":${random() < 0.9 ? '"req-1"' : '1'}`);
  if (random() < 0.3) top.push(`"parameters":{"binary_data_output":${random() < 0.9 ? 'true' : '"yes"'},"n":1.5e3}`);
  if (random() < 0.3) top.push(`"outputs":[{"name":"${random() < 0.9 ? 'label' : 'nope'}","parameters":{"binary_data":${random() < 0.5}}}]`);
  if (random() < 0.5) top.reverse();
  return { text: space(random) + '{' + top.join(',' + space(random)) + '}' + space(random), usual };
}

function corrupt(text: string, random: () => number): string {
  const at = Math.floor(random() * text.length);
  switch (Math.floor(random() * 3)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + pick(random, ['"', ',', '[', ']', '{', '}', '-', '.', 'e', '0', ' ', 'x', '\\']) + text.slice(at);
    default:
      return text.slice(0, at);
  }
}
