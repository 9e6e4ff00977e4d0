/**
 * A seeded pseudo-random source (mulberry32): the same seed replays the same requests, so a fuzz
 * failure can be reproduced with FUZZ_SEED.
 */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [0, max). */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(choices: ReadonlyArray<readonly [number, T]>): T {
    const total = choices.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [weight, value] of choices) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return choices[choices.length - 1]![1];
  }

  bytes(length: number): Buffer {
    const buffer = Buffer.alloc(length);
    for (let index = 0; index < length; index += 1) buffer[index] = this.int(256);
    return buffer;
  }

  /** Text from an alphabet that includes the characters parsers trip over. */
  text(maxLength: number): string {
    const alphabet = ['a', 'Z', '0', ' ', '"', '\\', '/', '.', '..', '%', '%00', '\u0000', '\n', '\r\n', '\t', '{', '}', '[', ']', ':', ',', "'", '<', '>', '&', '=', '?', '#', 'é', '日', '😀', '\u202e', '\ud800', '__proto__', '${', 'null'];
    let result = '';
    const length = this.int(maxLength + 1);
    while (result.length < length) result += this.pick(alphabet);
    return result;
  }
}

export function seedFromEnvironment(): number {
  const given = process.env.FUZZ_SEED;
  if (given !== undefined && /^\d+$/.test(given)) return Number(given) >>> 0;
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}
