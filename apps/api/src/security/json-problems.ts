export type JsonProblem = 'too-deep' | 'nul-character' | 'unpaired-surrogate';

/**
 * What is wrong with one string for PostgreSQL: a NUL character (text cannot hold one), or half of
 * a UTF-16 surrogate pair (JSON allows "\ud800" alone; it is not a character, and jsonb refuses it).
 */
export function textProblem(text: string): JsonProblem | undefined {
  if (text.includes('\u0000')) return 'nul-character';
  if (!(text as string & { isWellFormed(): boolean }).isWellFormed()) return 'unpaired-surrogate';
  return undefined;
}

/**
 * What is wrong with a parsed JSON value for the management API, if anything: arrays and objects
 * nested deeper than `maxDepth` (a scalar is depth 0, `[]` and `{}` depth 1), or a key or string
 * PostgreSQL cannot store (textProblem). Iterative, so a hostile document cannot overflow the
 * stack here, and it stops at the first problem.
 */
export function findJsonProblem(value: unknown, maxDepth: number): JsonProblem | undefined {
  if (typeof value === 'string') return textProblem(value);
  if (typeof value !== 'object' || value === null) return undefined;
  const stack: Array<{ node: object; depth: number }> = [{ node: value, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > maxDepth) return 'too-deep';
    const isArray = Array.isArray(node);
    for (const key of isArray ? [] : Object.keys(node)) {
      const problem = textProblem(key);
      if (problem !== undefined) return problem;
    }
    for (const child of isArray ? node : Object.values(node)) {
      if (typeof child === 'string') {
        const problem = textProblem(child);
        if (problem !== undefined) return problem;
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
