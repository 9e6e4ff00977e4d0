/**
 * A symbol node keeps on `target` under `name` (its internals, node:http's and net's, have no other
 * handle), if there is one. Where a Node.js release renames one, the callers fall back to node's own
 * path, and the tests that compare with it fail rather than users.
 */
export function nodeSymbol(target: object, name: string): symbol | undefined {
  return Object.getOwnPropertySymbols(target).find((symbol) => symbol.description === name);
}
