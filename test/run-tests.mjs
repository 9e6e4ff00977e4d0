#!/usr/bin/env node
// Runs the whole suite: unit specs once, then the integration tests against every database the
// environment offers: the PostgreSQL server in DATABASE_URL (CI sets it) and the embedded PGlite
// default. Prints one closing line with the totals of all runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const reports = mkdtempSync(join(tmpdir(), 'modelgate-reports-'));
const runs = [{ label: 'unit', project: 'unit', env: {} }];
if (process.env.DATABASE_URL) {
  runs.push({ label: `e2e on PostgreSQL (${process.env.DATABASE_URL.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')})`, project: 'e2e', env: {} });
}
runs.push({ label: 'e2e on embedded PGlite', project: 'e2e', env: { DATABASE_URL: undefined } });

let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;
for (const [index, run] of runs.entries()) {
  process.stdout.write(`\n=== ${run.label} ===\n`);
  const outputFile = join(reports, `run-${index}.json`);
  const env = { ...process.env, ...run.env };
  for (const [name, value] of Object.entries(run.env)) if (value === undefined) delete env[name];
  const result = spawnSync(
    'npx',
    ['vitest', 'run', '--project', run.project, '--reporter=default', '--reporter=json', `--outputFile.json=${outputFile}`, ...process.argv.slice(2)],
    { stdio: 'inherit', env },
  );
  if (result.status !== 0) exitCode = 1;
  try {
    const report = JSON.parse(readFileSync(outputFile, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    if (report.numTotalTests === 0) exitCode = 1;
  } catch {
    process.stdout.write(`(no report from the ${run.label} run)\n`);
    exitCode = 1;
  }
}
rmSync(reports, { recursive: true, force: true });
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(exitCode);
