import { BadRequestError } from '../common/errors';
import type { TensorSpecDto, VersionDto } from '../registry/dto/version.dto';

/**
 * Every version a deployment sends unpinned requests to beside its stable one (a route with weight,
 * its shadow, its fallback) must take the inputs the stable version takes: a client calling the
 * model cannot know which one it reaches, so a version with other inputs would answer 400 to its
 * share of them. Those answers are client errors, which the rollout gates do not count (they judge
 * 5xx and latency), so a plan would promote such a canary. A route at weight 0 takes no requests:
 * a switch of all traffic to new inputs (the old version kept at 0) is a blue-green change, and so
 * is promoting a canary at 0. A version with other inputs is otherwise called pinned, or served as
 * a model of its own.
 */
export function requireStableInputs(modelName: string, versions: Map<number, VersionDto>, stable: number | null, version: number, what: string): void {
  if (stable === null || version === stable) return;
  const reference = versions.get(stable)?.signature.inputs;
  const candidate = versions.get(version)?.signature.inputs;
  if (reference === undefined || candidate === undefined) return;
  const difference = inputsDifference(reference, candidate);
  if (difference === undefined) return;
  throw new BadRequestError(
    `${what}: version ${version} takes other inputs than version ${stable}, the stable one (${difference}); every version that unpinned requests reach must take the same inputs. ` +
      `Call version ${version} pinned (/v2/models/${modelName}/versions/${version}/infer), or upload it as a model of its own`,
  );
}

/**
 * How `candidate`'s inputs differ from `reference`'s, or undefined where a request for one fits the
 * other: the same names, each with the same datatype and rank, and each dimension equal or free (-1)
 * in either. A signature that lists no inputs (not known) fits any.
 */
export function inputsDifference(reference: readonly TensorSpecDto[], candidate: readonly TensorSpecDto[]): string | undefined {
  if (reference.length === 0 || candidate.length === 0) return undefined;
  const describe = (spec: TensorSpecDto) => `${spec.name} ${spec.datatype} [${spec.shape.join(', ')}]`;
  for (const input of reference) {
    const other = candidate.find((spec) => spec.name === input.name);
    if (other === undefined) return `it has no input "${input.name}"`;
    const fits =
      other.datatype === input.datatype &&
      other.shape.length === input.shape.length &&
      other.shape.every((dimension, axis) => dimension === input.shape[axis] || dimension < 0 || input.shape[axis] < 0);
    if (!fits) return `${describe(other)} against ${describe(input)}`;
  }
  const extra = candidate.find((spec) => !reference.some((input) => input.name === spec.name));
  return extra === undefined ? undefined : `it also takes "${extra.name}"`;
}
