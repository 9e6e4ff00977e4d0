import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DashboardBuildFixture {
  /** The folder to name in MODELGATE_DASHBOARD_DIR. */
  dir: string;
  index: string;
  /** The hashed script index.html loads, served at /assets/app-abc123.js. */
  script: string;
  favicon: string;
}

/** A folder laid out as `vite build` writes the dashboard: index.html, hashed files under assets/, public files beside. */
export async function writeDashboardBuild(dir: string): Promise<DashboardBuildFixture> {
  const build: DashboardBuildFixture = {
    dir,
    index: '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Modelgate</title><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>\n',
    script: 'document.getElementById("root").textContent = "Modelgate";\n',
    favicon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="8"/></svg>\n',
  };
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), build.index);
  await writeFile(join(dir, 'assets', 'app-abc123.js'), build.script);
  await writeFile(join(dir, 'favicon.svg'), build.favicon);
  return build;
}
