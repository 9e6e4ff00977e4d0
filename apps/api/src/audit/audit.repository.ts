import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Transaction } from '../database/transaction';
import { AuditEntryEntity } from './audit-entry.entity';

export type NewAuditEntry = Omit<AuditEntryEntity, 'id' | 'at'>;

export interface AuditQuery {
  actor?: string;
  /** Exact, or a prefix when it ends with `*`. */
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
  /** Entries older than this id (the cursor of the previous page). */
  before?: string;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(entry: NewAuditEntry, transaction?: Transaction): Promise<void> {
    const entries = (transaction ?? this.dataSource.manager).getRepository(AuditEntryEntity);
    // jsonb `changes` is a plain object; TypeORM's partial-entity type cannot express that.
    await entries.insert(entries.create(entry) as unknown as Parameters<typeof entries.insert>[0]);
  }

  /** Newest first. */
  find(query: AuditQuery): Promise<AuditEntryEntity[]> {
    const builder = this.dataSource.getRepository(AuditEntryEntity).createQueryBuilder('entry');
    if (query.actor !== undefined) builder.andWhere('entry.actor = :actor', { actor: query.actor });
    for (const field of ['action', 'target'] as const) {
      const value = query[field];
      if (value === undefined) continue;
      if (value.endsWith('*')) {
        builder.andWhere(`entry.${field} LIKE :${field} ESCAPE '\\'`, { [field]: `${escapeLike(value.slice(0, -1))}%` });
      } else {
        builder.andWhere(`entry.${field} = :${field}`, { [field]: value });
      }
    }
    if (query.from) builder.andWhere('entry.at >= :from', { from: query.from });
    if (query.to) builder.andWhere('entry.at < :to', { to: query.to });
    if (query.before !== undefined) builder.andWhere('entry.id < :before', { before: query.before });
    return builder.orderBy('entry.id', 'DESC').take(query.limit).getMany();
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
