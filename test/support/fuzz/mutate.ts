import type { Random } from './random';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A random JSON value, up to `depth` levels of arrays and objects. */
export function randomJson(random: Random, depth: number): Json {
  const kind = depth <= 0 ? random.int(5) : random.int(7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.pick([0, -1, 1, 0.5, -0, 1e308, -1e308, 2 ** 53 + 1, 4294967296, 1e-320, 3.4028235677973366e38, random.next() * 1e6 - 5e5]);
    case 3:
      return random.pick(['', 'x', 'FP32', 'INT64', 'BYTES', 'predict', 'admin', 'fuzzed', '../../etc/passwd', 'NaN', 'Infinity', '1e999', random.text(40)]);
    case 4:
      return random.text(12);
    case 5: {
      const length = random.int(6);
      return Array.from({ length }, () => randomJson(random, depth - 1));
    }
    default: {
      const object: { [key: string]: Json } = {};
      const count = random.int(5);
      for (let index = 0; index < count; index += 1) {
        object[random.pick(['name', 'data', 'shape', 'inputs', 'datatype', 'scopes', 'config', 'instances', 'parameters', 'x', 'constructor', random.text(8)])] =
          randomJson(random, depth - 1);
      }
      return object;
    }
  }
}

/** `value` nested `depth` times in arrays or objects. */
export function deeplyNested(random: Random, depth: number): string {
  const array = random.chance(0.5);
  return (array ? '['.repeat(depth) : '{"a":'.repeat(depth)) + '1' + (array ? ']'.repeat(depth) : '}'.repeat(depth));
}

/** A structural change to a JSON document: a replaced, removed or added node, or a changed type. */
export function mutateJson(random: Random, value: Json): Json {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  const containers: Array<Json[] | { [key: string]: Json }> = [];
  const collect = (node: Json) => {
    if (Array.isArray(node)) {
      containers.push(node);
      node.forEach(collect);
    } else if (node !== null && typeof node === 'object') {
      containers.push(node);
      Object.values(node).forEach(collect);
    }
  };
  collect(copy);
  if (containers.length === 0) return randomJson(random, 3);
  const target = random.pick(containers);
  const keys = Array.isArray(target) ? target.map((_, index) => index) : Object.keys(target);
  const action = random.int(7);
  if (keys.length === 0 || action === 0) {
    const fresh = randomJson(random, 2);
    if (Array.isArray(target)) target.push(fresh);
    else target[random.pick(['extra', 'name', '__proto__', 'prototype', random.text(6)])] = fresh;
  } else {
    const key = random.pick(keys as Array<string | number>);
    const read = (target as Record<string | number, Json>)[key];
    const write = (next: Json) => ((target as Record<string | number, Json>)[key] = next);
    if (action === 1) {
      if (Array.isArray(target)) target.splice(key as number, 1);
      else delete target[key as string];
    } else if (action === 2) write(randomJson(random, 2));
    else if (action === 3) write([read]);
    else if (action === 4) write(typeof read === 'string' ? read.repeat(random.between(2, 50)) : String(read));
    else if (action === 5) write(null);
    else write(Array.isArray(read) ? read.concat(read, read) : { value: read });
  }
  return copy;
}

/** A change to the bytes of a serialized body: flipped, cut, inserted or repeated bytes, or a poison fragment. */
export function mutateText(random: Random, text: string): Buffer {
  const bytes = Buffer.from(text);
  switch (random.int(7)) {
    case 0: {
      for (let flips = random.between(1, 4); flips > 0 && bytes.length > 0; flips -= 1) bytes[random.int(bytes.length)] = random.int(256);
      return bytes;
    }
    case 1:
      return bytes.subarray(0, random.int(bytes.length + 1));
    case 2: {
      const at = random.int(bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), random.bytes(random.between(1, 16)), bytes.subarray(at)]);
    }
    case 3: {
      const at = random.int(bytes.length + 1);
      const poison = random.pick(['"__proto__":{"admin":true},', '"constructor":{"prototype":{"x":1}},', '\\u0000', '1e999', '-', ',,', '}', ']', '\ud800', 'NaN', '"\\x"']);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(poison), bytes.subarray(at)]);
    }
    case 4: {
      const start = random.int(bytes.length + 1);
      const chunk = bytes.subarray(start, start + random.between(1, 40));
      return Buffer.concat([bytes.subarray(0, start), ...Array.from({ length: random.between(2, 30) }, () => chunk), bytes.subarray(start)]);
    }
    case 5:
      return Buffer.from(text.replace(/\d+/, () => random.pick(['99999999999999999999999', '-1', '0.0000001', '1e400', '0x10'])));
    default:
      return Buffer.concat([bytes, Buffer.from(random.pick(['\u0000', '\n\n', ' garbage', '{}', '\u00ff']))]);
  }
}
