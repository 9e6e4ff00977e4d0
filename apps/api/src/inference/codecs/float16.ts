/**
 * IEEE 754 half precision <-> JS number. The runtime stores FP16 tensors as their raw bits in a
 * Uint16Array (what onnxruntime takes), while JSON carries plain numbers; Node 20 has no
 * Math.f16round, so the conversion is done here, rounding to nearest, ties to even, directly from
 * the double (going through float32 first would round twice).
 */

const SMALLEST_SUBNORMAL = 2 ** -24;
const SMALLEST_NORMAL = 2 ** -14;
/** Halfway between the largest half (65504) and 65536: from here on a value rounds to infinity. */
const OVERFLOW_THRESHOLD = 65520;

function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  return fraction > 0.5 || (fraction === 0.5 && (floor & 1) === 1) ? floor + 1 : floor;
}

export function toFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude >= OVERFLOW_THRESHOLD) return sign | 0x7c00;
  // Scaling by a power of two is exact, so each rounding below happens once, on the true value.
  if (magnitude < SMALLEST_NORMAL) return sign | roundHalfToEven(magnitude / SMALLEST_SUBNORMAL);

  let exponent = Math.floor(Math.log2(magnitude));
  // log2 can be off by one right at powers of two.
  if (2 ** exponent > magnitude) exponent -= 1;
  else if (2 ** (exponent + 1) <= magnitude) exponent += 1;
  let significand = roundHalfToEven(magnitude * 2 ** (10 - exponent));
  if (significand === 2048) {
    significand = 1024;
    exponent += 1;
  }
  // exponent + 15 cannot reach 31 here: the overflow threshold was checked above.
  return sign | ((exponent + 15) << 10) | (significand - 1024);
}

export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * SMALLEST_SUBNORMAL;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}
