import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ShadowMinute } from './shadow-series';

interface ComparisonRow {
  primary_version: number;
  shadow_version: number;
  minute: Date;
  compared_requests: string;
  compared_rows: string;
  agreeing_rows: string;
  compared_values: string;
  abs_diff_sum: number;
  abs_diff_max: number;
  shadow_errors: string;
  dropped: string;
}

/**
 * All SQL of `shadow_comparisons`: one row per model, primary version, shadow version and minute.
 * Writes add to what is there (the maximum keeps the larger), so replicas flushing the same minute
 * sum up.
 */
@Injectable()
export class ShadowComparisonsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds the minutes in one statement (each (model, primary, shadow, minute) at most once). */
  async add(minutes: readonly ShadowMinute[]): Promise<void> {
    if (minutes.length === 0) return;
    const column = <T>(pick: (minute: ShadowMinute) => T) => minutes.map(pick);
    await this.dataSource.query(
      `INSERT INTO "shadow_comparisons" AS s ("model_name", "primary_version", "shadow_version", "minute", "compared_requests", "compared_rows",
         "agreeing_rows", "compared_values", "abs_diff_sum", "abs_diff_max", "shadow_errors", "dropped")
       SELECT * FROM unnest($1::varchar[], $2::integer[], $3::integer[], $4::timestamptz[], $5::bigint[], $6::bigint[],
         $7::bigint[], $8::bigint[], $9::double precision[], $10::double precision[], $11::bigint[], $12::bigint[])
       ON CONFLICT ("model_name", "primary_version", "shadow_version", "minute") DO UPDATE SET
         "compared_requests" = s."compared_requests" + excluded."compared_requests",
         "compared_rows" = s."compared_rows" + excluded."compared_rows",
         "agreeing_rows" = s."agreeing_rows" + excluded."agreeing_rows",
         "compared_values" = s."compared_values" + excluded."compared_values",
         "abs_diff_sum" = s."abs_diff_sum" + excluded."abs_diff_sum",
         "abs_diff_max" = greatest(s."abs_diff_max", excluded."abs_diff_max"),
         "shadow_errors" = s."shadow_errors" + excluded."shadow_errors",
         "dropped" = s."dropped" + excluded."dropped"`,
      [
        column((minute) => minute.modelName),
        column((minute) => minute.primaryVersion),
        column((minute) => minute.shadowVersion),
        column((minute) => new Date(minute.minute)),
        column((minute) => minute.requests),
        column((minute) => minute.rows),
        column((minute) => minute.agreeingRows),
        column((minute) => minute.values),
        column((minute) => minute.absDiffSum),
        column((minute) => minute.absDiffMax),
        column((minute) => minute.errors),
        column((minute) => minute.dropped),
      ],
    );
  }

  /** A model's minutes with from <= minute < to, by pair, oldest first. */
  async find(modelName: string, from: Date, to: Date): Promise<ShadowMinute[]> {
    const rows: ComparisonRow[] = await this.dataSource.query(
      `SELECT "primary_version", "shadow_version", "minute", "compared_requests", "compared_rows", "agreeing_rows", "compared_values",
         "abs_diff_sum", "abs_diff_max", "shadow_errors", "dropped"
       FROM "shadow_comparisons"
       WHERE "model_name" = $1 AND "minute" >= $2 AND "minute" < $3
       ORDER BY "primary_version", "shadow_version", "minute"`,
      [modelName, from, to],
    );
    return rows.map((row) => ({
      modelName,
      primaryVersion: row.primary_version,
      shadowVersion: row.shadow_version,
      minute: new Date(row.minute).getTime(),
      requests: Number(row.compared_requests),
      rows: Number(row.compared_rows),
      agreeingRows: Number(row.agreeing_rows),
      values: Number(row.compared_values),
      absDiffSum: Number(row.abs_diff_sum),
      absDiffMax: Number(row.abs_diff_max),
      errors: Number(row.shadow_errors),
      dropped: Number(row.dropped),
    }));
  }

  /** Deletes minutes before `cutoff`; returns how many rows went. */
  async deleteBefore(cutoff: Date): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(`DELETE FROM "shadow_comparisons" WHERE "minute" < $1`, [cutoff]);
    return result[1];
  }
}
