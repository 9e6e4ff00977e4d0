import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { BaselineFeature, DriftBaseline, DriftWindow, WindowTotals } from './drift-aggregates';

const FOREIGN_KEY_VIOLATION = '23503';

interface BaselineRow {
  rows: number;
  features: BaselineFeature[];
  started_at: Date;
  completed_at: Date;
}

interface WindowRow {
  version_id: string;
  window_start: Date;
  rows: string;
  sums: number[];
  sums_of_squares: number[];
  bin_counts: string[];
}

export interface WindowWrite {
  versionId: string;
  window: DriftWindow;
}

function arrayLiteral(values: ArrayLike<number>): string {
  return `{${Array.prototype.join.call(values, ',')}}`;
}

/** All SQL of `drift_baselines` (one per version, written once) and `drift_windows` (hourly sums). */
@Injectable()
export class DriftRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findBaseline(versionId: string): Promise<DriftBaseline | undefined> {
    const rows: BaselineRow[] = await this.dataSource.query(
      `SELECT "rows", "features", "started_at", "completed_at" FROM "drift_baselines" WHERE "version_id" = $1`,
      [versionId],
    );
    return rows.length === 0 ? undefined : toBaseline(rows[0]);
  }

  /**
   * Stores a version's baseline unless one is there already (another replica finished first) and
   * returns the stored one; undefined when the version no longer exists.
   */
  async insertBaseline(versionId: string, modelName: string, version: number, baseline: DriftBaseline): Promise<DriftBaseline | undefined> {
    try {
      await this.dataSource.query(
        `INSERT INTO "drift_baselines" ("version_id", "model_name", "version", "rows", "features", "started_at", "completed_at")
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) ON CONFLICT ("version_id") DO NOTHING`,
        [versionId, modelName, version, baseline.rows, JSON.stringify(baseline.features), baseline.startedAt, baseline.completedAt],
      );
    } catch (error) {
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) return undefined;
      throw error;
    }
    return this.findBaseline(versionId);
  }

  /** Adds windows to the stored ones in one statement (each (version, hour) at most once). */
  async addWindows(writes: readonly WindowWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const elementwise = (column: string) =>
      `ARRAY(SELECT coalesce(stored, 0) + coalesce(added, 0) FROM unnest(w."${column}", excluded."${column}") WITH ORDINALITY AS a(stored, added, position) ORDER BY position)`;
    await this.dataSource.query(
      `INSERT INTO "drift_windows" AS w ("version_id", "window_start", "rows", "sums", "sums_of_squares", "bin_counts")
       SELECT u.version_id, u.window_start, u.rows, u.sums::double precision[], u.sums_of_squares::double precision[], u.bin_counts::bigint[]
       FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[], $4::text[], $5::text[], $6::text[])
         AS u(version_id, window_start, rows, sums, sums_of_squares, bin_counts)
       ON CONFLICT ("version_id", "window_start") DO UPDATE SET
         "rows" = w."rows" + excluded."rows",
         "sums" = ${elementwise('sums')},
         "sums_of_squares" = ${elementwise('sums_of_squares')},
         "bin_counts" = ${elementwise('bin_counts')}`,
      [
        writes.map((write) => write.versionId),
        writes.map((write) => new Date(write.window.windowStart)),
        writes.map((write) => write.window.rows),
        writes.map((write) => arrayLiteral(write.window.sums)),
        writes.map((write) => arrayLiteral(write.window.sumsOfSquares)),
        writes.map((write) => arrayLiteral(write.window.counts)),
      ],
    );
  }

  /** Per version, the stored windows that start at or after `since`, summed. */
  async windowTotals(versionIds: readonly string[], since: Date): Promise<Map<string, WindowTotals>> {
    const totals = new Map<string, WindowTotals>();
    if (versionIds.length === 0) return totals;
    const rows: WindowRow[] = await this.dataSource.query(
      `SELECT "version_id", "window_start", "rows", "sums", "sums_of_squares", "bin_counts"
       FROM "drift_windows" WHERE "version_id" = ANY($1::uuid[]) AND "window_start" >= $2 ORDER BY "window_start"`,
      [versionIds, since],
    );
    for (const row of rows) {
      const start = new Date(row.window_start);
      let sum = totals.get(row.version_id);
      if (sum === undefined) {
        sum = { rows: 0, sums: new Array<number>(row.sums.length).fill(0), sumsOfSquares: new Array<number>(row.sums.length).fill(0), counts: new Array<number>(row.bin_counts.length).fill(0), from: start, to: null };
        totals.set(row.version_id, sum);
      }
      sum.rows += Number(row.rows);
      addInto(sum.sums as number[], row.sums);
      addInto(sum.sumsOfSquares as number[], row.sums_of_squares);
      addInto(sum.counts as number[], row.bin_counts);
      sum.to = new Date(start.getTime() + 3_600_000);
    }
    return totals;
  }

  async deleteWindowsBefore(cutoff: Date): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(`DELETE FROM "drift_windows" WHERE "window_start" < $1`, [cutoff]);
    return result[1];
  }
}

function addInto(target: number[], source: ArrayLike<number | string>): void {
  for (let index = 0; index < Math.min(target.length, source.length); index++) target[index] += Number(source[index]);
}

function toBaseline(row: BaselineRow): DriftBaseline {
  return { rows: row.rows, features: row.features, startedAt: new Date(row.started_at), completedAt: new Date(row.completed_at) };
}
