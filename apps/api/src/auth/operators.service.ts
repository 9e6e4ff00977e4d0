import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { systemOrigin, type RequestOrigin } from '../audit/request-origin';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../common/errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { Transactions } from '../database/transaction';
import type { ChangePasswordDto, SessionDto } from './dto/login.dto';
import type { CreateOperatorDto, OperatorDto, OperatorListDto, UpdateOperatorDto } from './dto/operator.dto';
import { LoginService } from './login.service';
import { toOperatorDto } from './operator-dto';
import type { OperatorEntity } from './operator.entity';
import { OperatorsRepository, type OperatorPatch } from './operators.repository';
import { generatePassword, hashPassword } from './password';
import type { Principal } from './principal';
import { ROLE_SCOPES } from './scopes';
import { SessionsService } from './sessions.service';

export const ADMIN_PASSWORD_FILE = 'admin-password';
export const FIRST_ADMIN = 'admin';

/** Dashboard accounts: the first admin at start, then created, changed and disabled by admins. */
@Injectable()
export class OperatorsService implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: OperatorsRepository,
    private readonly sessions: SessionsService,
    private readonly login: LoginService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  /**
   * On a database without operators, creates `admin` with MODELGATE_ADMIN_PASSWORD, or with a
   * generated password saved to `<dataDir>/admin-password` (owner-only) and printed this once.
   * The variable is read only then: later changes go through the API.
   */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.repository.count()) > 0) return;
    const password = this.config.adminPassword ?? generatePassword();
    const created = await this.repository.insert({ username: FIRST_ADMIN, passwordHash: await hashPassword(password), role: 'admin', createdBy: 'bootstrap' });
    // null: another replica starting at the same time created it first.
    if (!created) return;
    await this.audit.recordAfter(systemOrigin('bootstrap'), { action: 'operator.create', target: `operator:${FIRST_ADMIN}`, changes: { role: 'admin' } });
    if (this.config.adminPassword) return;
    const file = join(this.config.dataDir, ADMIN_PASSWORD_FILE);
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    // The address is known once the server listens: main.ts prints it then, as "Dashboard: <url>".
    const where = this.config.dashboard.built
      ? 'Log in on the dashboard, at the "Dashboard:" address printed once the server listens.'
      : 'Log in on the dashboard, at / on this server, once it is built (npm run build).';
    process.stdout.write(
      `\n  Modelgate dashboard login (shown once, saved to ${file}):\n\n    username: ${FIRST_ADMIN}\n    password: ${password}\n\n` +
        `  ${where}\n  Set MODELGATE_ADMIN_PASSWORD before the first start to choose your own.\n\n`,
    );
  }

  async create(dto: CreateOperatorDto, caller: Principal, origin: RequestOrigin): Promise<OperatorDto> {
    const passwordHash = await hashPassword(dto.password);
    const created = await this.transactions.run(async (transaction) => {
      const inserted = await this.repository.insert({ username: dto.username, passwordHash, role: dto.role, createdBy: caller.actor }, transaction);
      if (!inserted) throw new ConflictError(`an operator named "${dto.username}" already exists`);
      await this.audit.record(origin, { action: 'operator.create', target: `operator:${inserted.username}`, changes: { role: inserted.role } }, transaction);
      return inserted;
    });
    return toOperatorDto(created);
  }

  async list(limit: number, offset: number): Promise<OperatorListDto> {
    const [operators, total] = await this.repository.list(limit, offset);
    return { items: operators.map(toOperatorDto), total };
  }

  /**
   * Role, enabled state or password. Disabling an account or setting its password ends its
   * sessions; the last enabled admin can be neither disabled nor demoted.
   */
  async update(username: string, body: UpdateOperatorDto, origin: RequestOrigin): Promise<OperatorDto> {
    // null reads as "leave as is", like a missing field.
    const dto = { role: body.role ?? undefined, disabled: body.disabled ?? undefined, password: body.password ?? undefined };
    const passwordHash = dto.password === undefined ? undefined : await hashPassword(dto.password);
    const updated = await this.transactions.run(async (transaction) => {
      const operator = await this.repository.findForUpdate(username, transaction);
      if (!operator) throw new NotFoundError(`operator "${username.slice(0, 64)}" not found; GET /api/operators lists them`);
      const losesAdmin = operator.role === 'admin' && !operator.disabledAt && (dto.disabled === true || (dto.role !== undefined && dto.role !== 'admin'));
      if (losesAdmin && (await this.repository.countOtherActiveAdmins(operator.id, transaction)) === 0) {
        throw new ConflictError(`"${operator.username}" is the last enabled admin; make another operator admin first`);
      }
      const patch: OperatorPatch = {};
      if (dto.role !== undefined) patch.role = dto.role;
      if (dto.disabled === true && !operator.disabledAt) patch.disabledAt = new Date();
      if (dto.disabled === false) Object.assign(patch, { disabledAt: null, ...UNLOCKED });
      if (passwordHash) Object.assign(patch, { passwordHash, passwordChangedAt: new Date(), ...UNLOCKED });
      const changes = {
        ...(dto.role !== undefined && dto.role !== operator.role ? { role: { from: operator.role, to: dto.role } } : {}),
        ...(dto.disabled !== undefined ? { disabled: { from: operator.disabledAt !== null, to: dto.disabled } } : {}),
        ...(passwordHash ? { passwordReset: true } : {}),
      };
      await this.audit.record(origin, { action: 'operator.update', target: `operator:${operator.username}`, changes }, transaction);
      return this.repository.update(operator, patch, transaction);
    });
    if (dto.disabled === true || passwordHash) await this.sessions.endAllOf(updated.id);
    else this.sessions.forgetCached();
    return toOperatorDto(updated);
  }

  /** The caller's own password; its other sessions end, this one stays. */
  async changeOwnPassword(caller: Principal, dto: ChangePasswordDto, origin: RequestOrigin): Promise<void> {
    let operator: OperatorEntity;
    try {
      operator = await this.login.checkPassword(caller.id, dto.currentPassword);
    } catch (error) {
      if (error instanceof UnauthorizedError) {
        await this.audit.recordAfter(origin, { action: 'operator.password_failed', target: caller.actor, changes: { reason: 'wrong-current-password' } });
        throw new ForbiddenError('the current password is wrong');
      }
      throw error;
    }
    const passwordHash = await hashPassword(dto.newPassword);
    await this.transactions.run(async (transaction) => {
      await this.repository.update(operator, { passwordHash, passwordChangedAt: new Date() }, transaction);
      await this.audit.record(origin, { action: 'operator.password', target: caller.actor }, transaction);
    });
    await this.sessions.endAllOf(operator.id, caller.sessionId);
  }

  async session(caller: Principal): Promise<SessionDto> {
    const operator = await this.repository.findByUsername(caller.id);
    if (!operator) throw new UnauthorizedError('the session has ended; log in again');
    return { operator: toOperatorDto(operator), scopes: [...ROLE_SCOPES[operator.role]], expiresAt: caller.sessionExpiresAt!.toISOString() };
  }
}

const UNLOCKED = { lockedUntil: null, failedLogins: 0, lastFailedLoginAt: null };
