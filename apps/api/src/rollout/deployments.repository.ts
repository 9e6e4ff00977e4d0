import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Transaction } from '../database/transaction';
import type { DeploymentState, StickyBy } from './deployment-state';

/** Postgres channel on which every committed deployment change is announced (payload: the model name). */
export const DEPLOYMENTS_CHANNEL = 'modelgate_deployments';

export interface RolloutEventRecord {
  revision: number;
  actor: string;
  action: string;
  reason: string | null;
  deployment: DeploymentState;
  details: Record<string, unknown> | null;
}

export interface RolloutEventRow extends RolloutEventRecord {
  id: string;
  at: Date;
}

interface DeploymentRow {
  model_name: string;
  revision: number;
  routes: DeploymentState['routes'];
  stable_version: number | null;
  canary_version: number | null;
  previous_stable_version: number | null;
  shadow: DeploymentState['shadow'];
  fallback: DeploymentState['fallback'];
  sticky: StickyBy;
  plan: DeploymentState['plan'];
  plan_state: DeploymentState['planState'];
  updated_by: string | null;
  updated_at: Date | string;
}

const SELECT_DEPLOYMENT = `
  SELECT m."name" AS model_name, d."revision", d."routes", d."stable_version", d."canary_version",
         d."previous_stable_version", d."shadow", d."fallback", d."sticky", d."plan", d."plan_state",
         d."updated_by", d."updated_at"
  FROM "deployments" d JOIN "models" m ON m."id" = d."model_id"`;

/** All SQL of rollout: deployments and their history. Raw SQL: the rows are JSON documents with a revision. */
@Injectable()
export class DeploymentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Locks the model's row for the transaction, so that changes to one deployment take turns. */
  async lockModel(transaction: Transaction, modelName: string): Promise<string | undefined> {
    const rows = (await transaction.query(`SELECT "id" FROM "models" WHERE "name" = $1 FOR UPDATE`, [modelName])) as Array<{ id: string }>;
    return rows[0]?.id;
  }

  async find(modelName: string, transaction?: Transaction): Promise<DeploymentState | undefined> {
    const rows = (await (transaction ?? this.dataSource).query(`${SELECT_DEPLOYMENT} WHERE m."name" = $1`, [modelName])) as DeploymentRow[];
    return rows[0] && toState(rows[0]);
  }

  /** A page of deployments by model name, of the models in `onlyNames` when given, and how many there are in all. */
  async list(limit: number, offset: number, onlyNames: readonly string[] | null): Promise<{ items: DeploymentState[]; total: number }> {
    const where = onlyNames === null ? '' : `WHERE m."name" = ANY($3::text[])`;
    const parameters: unknown[] = onlyNames === null ? [limit, offset] : [limit, offset, [...onlyNames]];
    const rows = (await this.dataSource.query(`${SELECT_DEPLOYMENT} ${where} ORDER BY m."name" LIMIT $1 OFFSET $2`, parameters)) as DeploymentRow[];
    const counted = (await this.dataSource.query(
      `SELECT count(*)::int AS "total" FROM "deployments" d JOIN "models" m ON m."id" = d."model_id" ${onlyNames === null ? '' : `WHERE m."name" = ANY($1::text[])`}`,
      onlyNames === null ? [] : [[...onlyNames]],
    )) as Array<{ total: number }>;
    return { items: rows.map(toState), total: counted[0]?.total ?? 0 };
  }

  async findAll(): Promise<DeploymentState[]> {
    const rows = (await this.dataSource.query(SELECT_DEPLOYMENT)) as DeploymentRow[];
    return rows.map(toState);
  }

  /** Writes the deployment and its history entry, and announces the change on commit. */
  async save(transaction: Transaction, modelId: string, state: DeploymentState, event: RolloutEventRecord): Promise<void> {
    await transaction.query(
      `INSERT INTO "deployments" ("model_id", "revision", "routes", "stable_version", "canary_version", "previous_stable_version",
         "shadow", "fallback", "sticky", "plan", "plan_state", "updated_by", "updated_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT ("model_id") DO UPDATE SET "revision" = EXCLUDED."revision", "routes" = EXCLUDED."routes",
         "stable_version" = EXCLUDED."stable_version", "canary_version" = EXCLUDED."canary_version",
         "previous_stable_version" = EXCLUDED."previous_stable_version", "shadow" = EXCLUDED."shadow",
         "fallback" = EXCLUDED."fallback", "sticky" = EXCLUDED."sticky", "plan" = EXCLUDED."plan",
         "plan_state" = EXCLUDED."plan_state", "updated_by" = EXCLUDED."updated_by", "updated_at" = EXCLUDED."updated_at"`,
      [
        modelId,
        state.revision,
        JSON.stringify(state.routes),
        state.stable,
        state.canary,
        state.previousStable,
        state.shadow === null ? null : JSON.stringify(state.shadow),
        state.fallback === null ? null : JSON.stringify(state.fallback),
        state.sticky,
        state.plan === null ? null : JSON.stringify(state.plan),
        state.planState === null ? null : JSON.stringify(state.planState),
        state.updatedBy,
        state.updatedAt,
      ],
    );
    await transaction.query(
      `INSERT INTO "rollout_events" ("model_id", "revision", "actor", "action", "reason", "deployment", "details", "at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        modelId,
        event.revision,
        event.actor.slice(0, 200),
        event.action,
        event.reason,
        JSON.stringify(event.deployment),
        event.details === null ? null : JSON.stringify(event.details),
        state.updatedAt,
      ],
    );
    await transaction.query(`SELECT pg_notify($1, $2)`, [DEPLOYMENTS_CHANNEL, state.modelName]);
  }

  /** A model's history, newest first. */
  async history(modelName: string, limit: number, offset: number): Promise<{ items: RolloutEventRow[]; total: number }> {
    const rows = (await this.dataSource.query(
      `SELECT e."id", e."at", e."revision", e."actor", e."action", e."reason", e."deployment", e."details", count(*) OVER () AS total
       FROM "rollout_events" e JOIN "models" m ON m."id" = e."model_id"
       WHERE m."name" = $1 ORDER BY e."at" DESC, e."revision" DESC LIMIT $2 OFFSET $3`,
      [modelName, limit, offset],
    )) as Array<RolloutEventRow & { total: string }>;
    const total = rows.length > 0 ? Number(rows[0].total) : offset > 0 ? await this.countHistory(modelName) : 0;
    return { items: rows.map(({ total: _total, ...row }) => ({ ...row, at: new Date(row.at) })), total };
  }

  private async countHistory(modelName: string): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT count(*) AS total FROM "rollout_events" e JOIN "models" m ON m."id" = e."model_id" WHERE m."name" = $1`,
      [modelName],
    )) as Array<{ total: string }>;
    return Number(rows[0]?.total ?? 0);
  }
}

function toState(row: DeploymentRow): DeploymentState {
  return {
    modelName: row.model_name,
    revision: row.revision,
    routes: row.routes,
    stable: row.stable_version,
    canary: row.canary_version,
    previousStable: row.previous_stable_version,
    shadow: row.shadow,
    fallback: row.fallback,
    sticky: row.sticky,
    plan: row.plan,
    planState: row.plan_state,
    updatedAt: new Date(row.updated_at).toISOString(),
    updatedBy: row.updated_by,
  };
}
