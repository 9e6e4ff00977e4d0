import { Injectable, Logger } from '@nestjs/common';
import type { Transaction } from '../database/transaction';
import { AuditRepository, type AuditQuery } from './audit.repository';
import type { AuditEntryEntity } from './audit-entry.entity';
import type { AuditEntryDto, AuditPageDto } from './dto/audit.dto';
import type { RequestOrigin } from './request-origin';

export interface AuditRecord {
  action: string;
  target: string;
  /** What changed: fields set, facts of what was created or deleted. Never secrets or payloads. */
  changes?: Record<string, unknown>;
  /** Who, when not the origin's actor (e.g. the operator a login was for). */
  actor?: string;
}

/** Field names whose values never enter the log, whatever a caller hands in. */
const SECRET_FIELDS = /pass(word)?|secret|token|hash|^key$|cookie|authorization/i;
const MAX_CHANGES_CHARS = 8192;

/**
 * The audit log. A change made in a transaction is recorded in the same transaction (both commit
 * or neither); otherwise right after it succeeded.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(private readonly repository: AuditRepository) {}

  async record(origin: RequestOrigin, record: AuditRecord, transaction?: Transaction): Promise<void> {
    await this.repository.insert(
      {
        actor: printable(record.actor ?? origin.actor, 200),
        action: printable(record.action, 64),
        target: printable(record.target, 300),
        ip: origin.ip?.slice(0, 64) ?? null,
        requestId: origin.requestId?.slice(0, 128) ?? null,
        changes: sanitizeChanges(record.changes ?? {}),
      },
      transaction,
    );
  }

  /** For changes that cannot share a transaction: a failed audit write is logged, and the change stands. */
  async recordAfter(origin: RequestOrigin, record: AuditRecord): Promise<void> {
    try {
      await this.record(origin, record);
    } catch (error) {
      this.logger.error(`could not record ${record.action} on ${record.target} by ${origin.actor}: ${(error as Error).message}`);
    }
  }

  async page(query: AuditQuery): Promise<AuditPageDto> {
    const entries = await this.repository.find(query);
    return {
      items: entries.map(toAuditEntryDto),
      nextCursor: entries.length === query.limit ? entries[entries.length - 1]!.id : null,
    };
  }
}

/** Removes secret-looking fields at any depth and bounds the size, so the log stays small and clean. */
export function sanitizeChanges(changes: Record<string, unknown>): Record<string, unknown> {
  const clean = scrub(changes, 0) as Record<string, unknown>;
  const text = JSON.stringify(clean);
  if (text.length <= MAX_CHANGES_CHARS) return clean;
  return { truncated: true, fields: Object.keys(clean).slice(0, 50) };
}

function scrub(value: unknown, depth: number): unknown {
  if (depth > 8) return '[nested too deep]';
  if (Array.isArray(value)) return value.slice(0, 100).map((item) => scrub(item, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value)) result[name] = SECRET_FIELDS.test(name) ? '[redacted]' : scrub(field, depth + 1);
    return result;
  }
  if (typeof value === 'string') return value.length > 1000 ? `${value.slice(0, 1000)}…` : value;
  return value;
}

function printable(value: string, length: number): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, length);
}

function toAuditEntryDto(entry: AuditEntryEntity): AuditEntryDto {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    ip: entry.ip,
    requestId: entry.requestId,
    changes: entry.changes,
  };
}
