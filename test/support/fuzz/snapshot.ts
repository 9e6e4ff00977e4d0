import { join } from 'node:path';
import type { Client } from 'pg';
import { listFiles } from '../files';
import type { FuzzAnswer, FuzzRequest } from './http';

/** Everything a request could change: every table (minus usage and login-throttle bookkeeping) and every stored file. */
export async function snapshot(client: Client, dataDir: string) {
  const query = async (sql: string) => (await client.query(sql)).rows;
  return {
    models: await query('SELECT id, name, description, task, labels, version_counter, updated_at FROM models ORDER BY id'),
    versions: await query('SELECT id, model_id, version, status, status_detail, config, description, artifact_sha256, artifact_location, updated_at FROM model_versions ORDER BY id'),
    // last_used_at moves on every accepted request: not a change a request makes to the key.
    keys: await query('SELECT key_id, name, secret_hash, previous_secret_hash, previous_secret_expires_at, scopes, models, rate_limit, expires_at, revoked_at FROM api_keys ORDER BY key_id'),
    // A refused login counts itself on purpose (failed_logins, locked_until): the throttle.
    operators: await query('SELECT username, password_hash, role, disabled_at, password_changed_at FROM operators ORDER BY username'),
    sessions: await query('SELECT id, revoked_at, expires_at FROM sessions ORDER BY id'),
    // Failed logins are audited on purpose; anything else in the log is a change.
    audit: await query(`SELECT id, action, target, request_id FROM audit_log WHERE action NOT IN ('auth.login_failed', 'operator.password_failed') ORDER BY id`),
    artifacts: await listFiles(join(dataDir, 'artifacts')),
    scratch: await listFiles(join(dataDir, 'tmp')),
  };
}

/** Whether an answer says a management change was accepted (the server reads "/%61pi/" as "/api/"). */
export function changesState(request: FuzzRequest, answer: FuzzAnswer): boolean {
  if (answer.status < 200 || answer.status >= 300 || ['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return false;
  let path = request.path;
  try {
    path = decodeURIComponent(request.path);
  } catch {
    // Not decodable: the server refuses such a path anyway.
  }
  return path.replace(/\/+/g, '/').startsWith('/api/');
}
