/**
 * `value` (an answer of the management API) with every `serving` property removed, at any depth:
 * a version's `serving` is how the runtime serves it at that moment (in-flight batches, a lane's
 * helper session that becomes ready some time after the upload answered), not stored state. Tests
 * that check a refused request changed nothing compare answers through this.
 */
export function withoutServing(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutServing);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'serving').map(([key, inner]) => [key, withoutServing(inner)]));
}
