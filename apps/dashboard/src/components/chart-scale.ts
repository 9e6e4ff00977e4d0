/** A tick's label with as many decimals as the step between ticks has, so every tick reads exactly. */
export function axisLabel(value: number, step: number, unit: string): string {
  let decimals = 0;
  while (decimals < 6 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-9 * 10 ** decimals) decimals += 1;
  return `${value.toFixed(decimals)}${unit}`;
}

/** A round number at or above `value` for the top of the axis (1, 2, 2.5 or 5 times a power of ten). */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 2.5, 5, 10]) if (value <= factor * power) return factor * power;
  return 10 * power;
}
