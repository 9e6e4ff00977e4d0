import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThan, Not } from 'typeorm';
import type { Transaction } from '../database/transaction';
import { SessionEntity } from './session.entity';

export type NewSession = Pick<SessionEntity, 'tokenHash' | 'operatorId' | 'ip' | 'userAgent' | 'expiresAt'>;

@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private sessions(transaction?: Transaction) {
    return (transaction ?? this.dataSource.manager).getRepository(SessionEntity);
  }

  insert(fields: NewSession, transaction?: Transaction): Promise<SessionEntity> {
    const sessions = this.sessions(transaction);
    return sessions.save(sessions.create({ ...fields, revokedAt: null }));
  }

  /** The session with its operator, whatever its state (the caller checks expiry, revocation, the account). */
  findByTokenHash(tokenHash: string): Promise<SessionEntity | null> {
    return this.sessions().findOne({ where: { tokenHash }, relations: { operator: true } });
  }

  async revoke(sessionId: string, at: Date, transaction?: Transaction): Promise<void> {
    await this.sessions(transaction).update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: at });
  }

  /** Ends every session of an operator (disabled, password changed), but `exceptId` when given. */
  async revokeAllOf(operatorId: string, at: Date, exceptId: string | undefined, transaction?: Transaction): Promise<void> {
    const where = exceptId ? { operatorId, revokedAt: IsNull(), id: Not(exceptId) } : { operatorId, revokedAt: IsNull() };
    await this.sessions(transaction).update(where, { revokedAt: at });
  }

  async deleteExpired(before: Date, transaction?: Transaction): Promise<void> {
    await this.sessions(transaction).delete({ expiresAt: LessThan(before) });
  }
}
