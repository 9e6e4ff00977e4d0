export type JsonProblem = 'too-deep' | 'nul-character';

/**
 * What is wrong with a parsed JSON value for the management API, if anything: arrays and objects
 * nested deeper than `maxDepth` (a scalar is depth 0, `[]` and `{}` depth 1), or a NUL character
 * in a key or string (PostgreSQL text cannot hold one). Iterative, so a hostile document cannot
 * overflow the stack here, and it stops at the first problem.
 */
export function findJsonProblem(value: unknown, maxDepth: number): JsonProblem | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? 'nul-character' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const stack: Array<{ node: object; depth: number }> = [{ node: value, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > maxDepth) return 'too-deep';
    const isArray = Array.isArray(node);
    for (const key of isArray ? [] : Object.keys(node)) if (key.includes('\u0000')) return 'nul-character';
    for (const child of isArray ? node : Object.values(node)) {
      if (typeof child === 'string') {
        if (child.includes('\u0000')) return 'nul-character';
      } else if (typeof child === 'object' && child !== null) {
        stack.push({ node: child, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

export function exceedsJsonDepth(value: unknown, maxDepth: number): boolean {
  return findJsonProblem(value, maxDepth) === 'too-deep';
}
