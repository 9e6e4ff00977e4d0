import { spawnSync } from 'node:child_process';
import { applyHeapGrowth } from './heap-growth';

describe('applyHeapGrowth', () => {
  it("sets V8's growing factor from the percent", () => {
    const set: string[] = [];
    expect(applyHeapGrowth(100, [], (flags) => set.push(flags))).toBe('--heap-growing-percent=100');
    expect(set).toEqual(['--heap-growing-percent=100']);
  });

  it('leaves V8 its own factor at 0, and leaves a factor given on the command line as it is', () => {
    const set: string[] = [];
    expect(applyHeapGrowth(0, [], (flags) => set.push(flags))).toBeUndefined();
    expect(applyHeapGrowth(100, ['--heap-growing-percent=30'], (flags) => set.push(flags))).toBeUndefined();
    expect(applyHeapGrowth(100, ['--heap_growing_percent', '30'], (flags) => set.push(flags))).toBeUndefined();
    expect(set).toEqual([]);
  });

  it('is a flag this Node accepts at run time (a flag V8 does not know is printed as an error)', () => {
    const script = `require('v8').setFlagsFromString('--heap-growing-percent=100'); require('v8').setFlagsFromString('--no-such-flag-at-all');`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(/heap-growing-percent/);
    expect(run.stderr + run.stdout).toMatch(/no-such-flag-at-all/);
  });
});
