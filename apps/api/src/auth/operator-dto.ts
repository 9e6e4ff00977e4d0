import type { OperatorDto } from './dto/operator.dto';
import type { OperatorEntity } from './operator.entity';

/** What the API shows of an operator: never the password hash or the throttle counters. */
export function toOperatorDto(operator: OperatorEntity): OperatorDto {
  const locked = operator.lockedUntil && operator.lockedUntil.getTime() > Date.now() ? operator.lockedUntil.toISOString() : null;
  return {
    username: operator.username,
    role: operator.role,
    disabled: operator.disabledAt !== null,
    lockedUntil: locked,
    lastLoginAt: operator.lastLoginAt?.toISOString() ?? null,
    passwordChangedAt: operator.passwordChangedAt.toISOString(),
    createdBy: operator.createdBy,
    createdAt: operator.createdAt.toISOString(),
  };
}
