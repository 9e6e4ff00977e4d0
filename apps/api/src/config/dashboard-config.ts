import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Reader } from './config';

/** The dashboard's single-page app, as `vite build` writes it, served at / (dashboard/serve-dashboard.ts). */
export interface DashboardBuild {
  /** The directory holding index.html and assets/. */
  dir: string;
  /** Whether it held index.html at start; unbuilt, GET / answers 503 with how to build it. */
  built: boolean;
}

/**
 * Where the dashboard project writes its build, apps/dashboard/dist: this file lies in
 * apps/api/src/config (tests) or apps/api/dist/config (`npm start`), three levels below apps/.
 */
export const DEFAULT_DASHBOARD_DIR = resolve(__dirname, '..', '..', '..', 'dashboard', 'dist');
export const DASHBOARD_INDEX = 'index.html';

/**
 * MODELGATE_DASHBOARD_DIR: a dashboard build to serve instead of apps/dashboard/dist. A directory
 * named explicitly must hold the build now (a wrong path stops the start); the default may be
 * missing, as it is until the dashboard is first built.
 */
export function readDashboard(read: Reader): DashboardBuild {
  const value = read.raw('MODELGATE_DASHBOARD_DIR');
  if (value === undefined) return { dir: DEFAULT_DASHBOARD_DIR, built: buildProblem(DEFAULT_DASHBOARD_DIR) === undefined };
  const dir = resolve(value);
  const problem = buildProblem(dir);
  if (problem !== undefined) {
    read.problems.push(
      `MODELGATE_DASHBOARD_DIR must be a directory holding the dashboard build (its ${DASHBOARD_INDEX}), got "${value}" (${problem}); ` +
        'leave it unset to serve apps/dashboard/dist',
    );
  }
  return { dir, built: problem === undefined };
}

function buildProblem(dir: string): string | undefined {
  const kind = (path: string) => {
    try {
      const stats = statSync(path);
      return stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other';
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
    }
  };
  const found = kind(dir);
  if (found === 'missing') return 'no such directory';
  if (found === 'unreadable') return 'not readable';
  if (found !== 'directory') return 'not a directory';
  if (kind(join(dir, DASHBOARD_INDEX)) !== 'file') return `no ${DASHBOARD_INDEX} in it`;
  return undefined;
}
