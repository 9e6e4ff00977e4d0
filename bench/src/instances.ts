/** Deterministic numbers for weights and inputs, kept free of heavy imports (the raw-runtime child uses them). */

/** The instance every request of a model carries: values in [0, 1) with four decimals, as a client would send. */
export function sampleInstance(model: { key: string; instanceShape: readonly number[] }): Float32Array {
  const random = seededRandom(model.key === 'mlp' ? 101 : 202);
  const values = new Float32Array(model.instanceShape.reduce((product, dim) => product * dim, 1));
  for (let index = 0; index < values.length; index++) values[index] = Math.round(random() * 10_000) / 10_000;
  return values;
}

/** mulberry32: the same numbers on every run and every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
