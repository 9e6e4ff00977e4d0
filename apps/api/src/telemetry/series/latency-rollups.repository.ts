import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MinuteRollup } from './latency-series';

/** A stored rollup as read back (buckets as numbers). */
export interface StoredRollup {
  version: number;
  minute: number;
  requests: number;
  errors: number;
  latencySumMs: number;
  buckets: number[];
}

interface RollupRow {
  version: number;
  minute: Date;
  requests: string;
  errors: string;
  latency_sum_ms: number;
  latency_buckets: number[];
}

/**
 * All SQL of `latency_rollups`: one row per model, version and minute. Writes add to what is
 * there (counts and every histogram bucket), so replicas flushing the same minute sum up.
 */
@Injectable()
export class LatencyRollupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds the rollups in one statement (each (model, version, minute) at most once). */
  async add(rollups: readonly MinuteRollup[]): Promise<void> {
    if (rollups.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO "latency_rollups" AS r ("model_name", "version", "minute", "requests", "errors", "latency_sum_ms", "latency_buckets")
       SELECT u.model_name, u.version, u.minute, u.requests, u.errors, u.latency_sum_ms, u.latency_buckets::integer[]
       FROM unnest($1::varchar[], $2::integer[], $3::timestamptz[], $4::bigint[], $5::bigint[], $6::double precision[], $7::text[])
         AS u(model_name, version, minute, requests, errors, latency_sum_ms, latency_buckets)
       ON CONFLICT ("model_name", "version", "minute") DO UPDATE SET
         "requests" = r."requests" + excluded."requests",
         "errors" = r."errors" + excluded."errors",
         "latency_sum_ms" = r."latency_sum_ms" + excluded."latency_sum_ms",
         "latency_buckets" = ARRAY(
           SELECT coalesce(stored, 0) + coalesce(added, 0)
           FROM unnest(r."latency_buckets", excluded."latency_buckets") WITH ORDINALITY AS b(stored, added, position)
           ORDER BY position
         )`,
      [
        rollups.map((rollup) => rollup.modelName),
        rollups.map((rollup) => rollup.version),
        rollups.map((rollup) => new Date(rollup.minute)),
        rollups.map((rollup) => rollup.requests),
        rollups.map((rollup) => rollup.errors),
        rollups.map((rollup) => rollup.latencySumMs),
        rollups.map((rollup) => `{${rollup.buckets.join(',')}}`),
      ],
    );
  }

  /** Rows of a model (or one version of it) with from <= minute < to, oldest first. */
  async find(modelName: string, from: Date, to: Date, version?: number): Promise<StoredRollup[]> {
    const rows: RollupRow[] = await this.dataSource.query(
      `SELECT "version", "minute", "requests", "errors", "latency_sum_ms", "latency_buckets"
       FROM "latency_rollups"
       WHERE "model_name" = $1 AND "minute" >= $2 AND "minute" < $3 AND ($4::integer IS NULL OR "version" = $4)
       ORDER BY "version", "minute"`,
      [modelName, from, to, version ?? null],
    );
    return rows.map((row) => ({
      version: row.version,
      minute: new Date(row.minute).getTime(),
      requests: Number(row.requests),
      errors: Number(row.errors),
      latencySumMs: Number(row.latency_sum_ms),
      buckets: row.latency_buckets.map(Number),
    }));
  }

  /** Deletes minutes before `cutoff`; returns how many rows went. */
  async deleteBefore(cutoff: Date): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(`DELETE FROM "latency_rollups" WHERE "minute" < $1`, [cutoff]);
    return result[1];
  }
}
