import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { LoggedPayload, LoggedTensor } from './payload-log';

const FOREIGN_KEY_VIOLATION = '23503';

export interface StoredPayload {
  id: string;
  version: number;
  at: Date;
  inputs: LoggedTensor[];
  outputs: LoggedTensor[];
}

interface PayloadRow {
  id: string;
  version: number;
  logged_at: Date;
  inputs: LoggedTensor[];
  outputs: LoggedTensor[];
}

/** All SQL of `payload_samples`: requests kept by payload logging. */
@Injectable()
export class PayloadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores kept requests in one statement; those of versions deleted meanwhile are dropped. */
  async add(payloads: readonly LoggedPayload[]): Promise<void> {
    if (payloads.length === 0) return;
    try {
      await this.insert(payloads);
    } catch (error) {
      if ((error as { code?: string }).code !== FOREIGN_KEY_VIOLATION) throw error;
      const existing = new Set(
        (await this.dataSource.query(`SELECT "id" FROM "model_versions" WHERE "id" = ANY($1::uuid[])`, [payloads.map((payload) => payload.versionId)]) as Array<{ id: string }>).map(
          (row) => row.id,
        ),
      );
      await this.insert(payloads.filter((payload) => existing.has(payload.versionId)));
    }
  }

  /** The latest kept requests of a model since `since`, newest first. */
  async latest(modelName: string, since: Date, limit: number): Promise<StoredPayload[]> {
    const rows: PayloadRow[] = await this.dataSource.query(
      `SELECT "id", "version", "logged_at", "inputs", "outputs" FROM "payload_samples"
       WHERE "model_name" = $1 AND "logged_at" >= $2 ORDER BY "logged_at" DESC LIMIT $3`,
      [modelName, since, limit],
    );
    return rows.map((row) => ({ id: row.id, version: row.version, at: new Date(row.logged_at), inputs: row.inputs, outputs: row.outputs }));
  }

  async deleteBefore(cutoff: Date): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(`DELETE FROM "payload_samples" WHERE "logged_at" < $1`, [cutoff]);
    return result[1];
  }

  private async insert(payloads: readonly LoggedPayload[]): Promise<void> {
    if (payloads.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO "payload_samples" ("version_id", "model_name", "version", "logged_at", "inputs", "outputs")
       SELECT u.version_id, u.model_name, u.version, u.logged_at, u.inputs::jsonb, u.outputs::jsonb
       FROM unnest($1::uuid[], $2::varchar[], $3::integer[], $4::timestamptz[], $5::text[], $6::text[])
         AS u(version_id, model_name, version, logged_at, inputs, outputs)`,
      [
        payloads.map((payload) => payload.versionId),
        payloads.map((payload) => payload.modelName),
        payloads.map((payload) => payload.version),
        payloads.map((payload) => payload.at),
        payloads.map((payload) => JSON.stringify(payload.inputs)),
        payloads.map((payload) => JSON.stringify(payload.outputs)),
      ],
    );
  }
}
