/** The order in which a round measures its cells (measureModel in run.ts). */
import { baselineProtocol, type Protocol } from './protocols';
import type { HttpTarget } from './results';

/**
 * The order of the cells judged against one baseline body within a round: the naive server and (e)
 * first, then Modelgate's rows with the bare server between them (v2 JSON, bare, v2 binary), so
 * that each Modelgate row is measured right beside the HTTP ceiling it is read against, the ratio
 * closest to its target.
 */
export function roundOrder<T extends { run: { target: HttpTarget; protocol: Protocol } }>(cells: readonly T[]): T[] {
  const rank = (entry: T): number => {
    switch (entry.run.target) {
      case 'naive':
        return 0;
      case 'batching':
        return 1;
      case 'bare-http':
        return 3;
      case 'modelgate':
        return entry.run.protocol === baselineProtocol(entry.run.protocol) ? 2 : 4;
    }
  };
  return [...cells].sort((a, b) => rank(a) - rank(b));
}
