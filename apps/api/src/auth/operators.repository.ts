import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, Not, QueryFailedError } from 'typeorm';
import type { Transaction } from '../database/transaction';
import type { LoginState } from './login-throttle';
import { OperatorEntity } from './operator.entity';

export type NewOperator = Pick<OperatorEntity, 'username' | 'passwordHash' | 'role' | 'createdBy'>;
export type OperatorPatch = Partial<
  Pick<OperatorEntity, 'role' | 'disabledAt' | 'passwordHash' | 'passwordChangedAt' | 'lockedUntil' | 'failedLogins' | 'lastFailedLoginAt'>
>;

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class OperatorsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private operators(transaction?: Transaction) {
    return (transaction ?? this.dataSource.manager).getRepository(OperatorEntity);
  }

  count(): Promise<number> {
    return this.operators().count();
  }

  findByUsername(username: string, transaction?: Transaction): Promise<OperatorEntity | null> {
    return this.operators(transaction).findOne({ where: { username } });
  }

  findForUpdate(username: string, transaction: Transaction): Promise<OperatorEntity | null> {
    return this.operators(transaction).findOne({ where: { username }, lock: { mode: 'pessimistic_write' } });
  }

  /** The new operator, or null when the username is taken (two replicas bootstrapping at once, or a duplicate). */
  async insert(fields: NewOperator, transaction?: Transaction): Promise<OperatorEntity | null> {
    const operators = this.operators(transaction);
    try {
      return await operators.save(operators.create(fields));
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === UNIQUE_VIOLATION) return null;
      throw error;
    }
  }

  list(limit: number, offset: number): Promise<[OperatorEntity[], number]> {
    return this.operators().findAndCount({ order: { username: 'ASC' }, take: limit, skip: offset });
  }

  /** Enabled admins other than `exceptId`: the last one cannot be disabled or demoted. */
  countOtherActiveAdmins(exceptId: string, transaction: Transaction): Promise<number> {
    return this.operators(transaction).count({ where: { role: 'admin', disabledAt: IsNull(), id: Not(exceptId) } });
  }

  async update(operator: OperatorEntity, patch: OperatorPatch, transaction?: Transaction): Promise<OperatorEntity> {
    const operators = this.operators(transaction);
    await operators.update({ id: operator.id }, patch);
    return (await operators.findOne({ where: { id: operator.id } }))!;
  }

  /**
   * Stores the throttle state of a login attempt if no other attempt changed it since `seen` was
   * read (compare-and-set), so concurrent guesses cannot share one slot. False: lost the race.
   */
  async reserveLoginAttempt(operator: OperatorEntity, seen: LoginState, next: LoginState): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `UPDATE "operators" SET "failed_logins" = $1, "last_failed_login_at" = $2, "locked_until" = $3
        WHERE "id" = $4 AND "failed_logins" = $5 AND "last_failed_login_at" IS NOT DISTINCT FROM $6::timestamptz
        RETURNING "id"`,
      [next.failedLogins, next.lastFailedLoginAt, next.lockedUntil, operator.id, seen.failedLogins, seen.lastFailedLoginAt],
    )) as [Array<{ id: string }>, number];
    return rows.length === 1;
  }

  /** After the right password: the failure count starts again; `loginAt` records a login. */
  async clearLoginFailures(operator: OperatorEntity, loginAt: Date | null): Promise<void> {
    const reset = { failedLogins: 0, lastFailedLoginAt: null, lockedUntil: null };
    await this.operators().update({ id: operator.id }, loginAt ? { ...reset, lastLoginAt: loginAt } : reset);
    if (loginAt) operator.lastLoginAt = loginAt;
  }
}
