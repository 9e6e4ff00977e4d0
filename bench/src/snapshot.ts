/**
 * `node bench/dist/snapshot.js <commit> <folder>`: exports a commit into a folder and builds its API
 * there, so that `npm run bench -- --modelgate-dir=<folder>` measures that older Modelgate against
 * today's baselines. node_modules is shared with this checkout by links, except the workspace
 * packages (@modelgate/*), which must be the snapshot's own or the old API would run today's runtime.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const WORKSPACE_PACKAGES: Record<string, string> = { api: 'apps/api', runtime: 'libs/runtime', migrations: 'migrations' };
const BUILDS = ['libs/runtime/tsconfig.lib.json', 'migrations/tsconfig.lib.json', 'apps/api/tsconfig.app.json'];

function main(): void {
  const [commit, folderArgument] = process.argv.slice(2);
  if (!commit || !folderArgument) {
    process.stderr.write('usage: node bench/dist/snapshot.js <commit> <folder>\n');
    process.exit(2);
  }
  const folder = resolve(folderArgument);
  if (existsSync(folder) && readdirSync(folder).length > 0) throw new Error(`${folder} is not empty; choose a new folder`);
  mkdirSync(folder, { recursive: true });

  const archive = execFileSync('git', ['archive', '--format=tar', commit], { cwd: ROOT, maxBuffer: 1024 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', folder], { input: archive });

  const modules = join(folder, 'node_modules');
  mkdirSync(join(modules, '@modelgate'), { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== '@modelgate') symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry));
  }
  for (const [name, path] of Object.entries(WORKSPACE_PACKAGES)) {
    if (existsSync(join(folder, path))) symlinkSync(join('..', '..', path), join(modules, '@modelgate', name));
  }

  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  for (const project of BUILDS) {
    if (!existsSync(join(folder, project))) continue;
    process.stdout.write(`building ${project} ...\n`);
    execFileSync(tsc, ['-p', project], { cwd: folder, stdio: 'inherit' });
  }
  process.stdout.write(`\n${commit} is built in ${folder}; measure it with:\n  npm run bench -- --modelgate-dir=${folder} --note="Modelgate at ${commit}"\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`snapshot failed: ${(error as Error).message}\n`);
  process.exit(1);
}
