import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DEPLOY = join(__dirname, '..', 'deploy');
const PROMTOOL = process.env.PROMTOOL_PATH ?? 'promtool';

/** Whether promtool runs here (Debian's prometheus package has it). */
const available = spawnSync(PROMTOOL, ['--version']).status === 0;
if (!available) console.warn(`No ${PROMTOOL} (set PROMTOOL_PATH, or apt-get install prometheus): the alert rules' tests are skipped`);

describe.skipIf(!available)('deploy/prometheus-alerts.yml under promtool', () => {
  it('is valid Prometheus rule syntax', async () => {
    const { stdout } = await run(PROMTOOL, ['check', 'rules', join(DEPLOY, 'prometheus-alerts.yml')]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('fires the rollout alerts when, and only when, deploy/prometheus-alerts.test.yml says', async () => {
    const { stdout } = await run(PROMTOOL, ['test', 'rules', join(DEPLOY, 'prometheus-alerts.test.yml')]);
    expect(stdout).toContain('SUCCESS');
  });
});
