import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { DEFAULT_DASHBOARD_DIR } from './dashboard-config';

describe('dashboard configuration', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'modelgate-dashboard-config-'));
    await mkdir(join(workspace, 'build'));
    await writeFile(join(workspace, 'build', 'index.html'), '<!doctype html>');
    await mkdir(join(workspace, 'empty'));
    await writeFile(join(workspace, 'file'), 'x');
  });
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it('serves apps/dashboard/dist by default, found from the API files, and starts whether it is built or not', () => {
    // From apps/api/src/config here, from apps/api/dist/config once built: the same folder.
    expect(relative(join(__dirname, '..', '..', '..', '..'), DEFAULT_DASHBOARD_DIR)).toBe(join('apps', 'dashboard', 'dist'));
    expect(loadConfig({}).dashboard.dir).toBe(DEFAULT_DASHBOARD_DIR);
    expect(typeof loadConfig({}).dashboard.built).toBe('boolean');
  });

  it('reads MODELGATE_DASHBOARD_DIR, relative to the working directory', () => {
    expect(loadConfig({ MODELGATE_DASHBOARD_DIR: join(workspace, 'build') }).dashboard).toEqual({ dir: join(workspace, 'build'), built: true });
    const fromHere = relative(process.cwd(), join(workspace, 'build'));
    expect(loadConfig({ MODELGATE_DASHBOARD_DIR: fromHere }).dashboard.dir).toBe(join(workspace, 'build'));
  });

  it.each([
    ['no-such-build', 'no such directory'],
    ['empty', 'no index.html in it'],
    ['file', 'not a directory'],
  ])('refuses a named folder that holds no build (%s), naming the variable', (name, reason) => {
    const value = join(workspace, name);
    expect(() => loadConfig({ MODELGATE_DASHBOARD_DIR: value })).toThrow(ConfigError);
    expect(() => loadConfig({ MODELGATE_DASHBOARD_DIR: value })).toThrow(
      `MODELGATE_DASHBOARD_DIR must be a directory holding the dashboard build (its index.html), got "${value}" (${reason}); leave it unset to serve apps/dashboard/dist`,
    );
  });
});
