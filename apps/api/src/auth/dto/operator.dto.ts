import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password';
import { ROLES, type Role } from '../scopes';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;
const USERNAME_RULE = 'username must be 1-64 characters of lowercase letters, digits, ".", "_", "@" or "-", starting with a letter or digit';
const PASSWORD_RULE = `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`;

export class CreateOperatorDto {
  @ApiProperty({ example: 'alice', description: USERNAME_RULE })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username!: string;

  @ApiProperty({ example: 'a long passphrase nobody guesses', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: PASSWORD_RULE })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: PASSWORD_RULE })
  password!: string;

  @ApiProperty({ enum: ROLES, example: 'operator', description: 'admin: everything; operator: predict, models, deploy, keys; viewer: read models' })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;
}

export class UpdateOperatorDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ description: 'true: the account cannot log in and its sessions end at once; false: enabled again (and unlocked)' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ description: 'A new password set by an admin (ends the sessions of the account and unlocks it)' })
  @IsOptional()
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: PASSWORD_RULE })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: PASSWORD_RULE })
  password?: string;
}

export class OperatorDto {
  @ApiProperty({ example: 'alice' })
  username!: string;

  @ApiProperty({ enum: ROLES, example: 'operator' })
  role!: Role;

  @ApiProperty({ example: false })
  disabled!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Set while too many failed logins keep the account locked' })
  lockedUntil!: string | null;

  @ApiProperty({ type: String, nullable: true })
  lastLoginAt!: string | null;

  @ApiProperty()
  passwordChangedAt!: string;

  @ApiProperty({ type: String, nullable: true, example: 'operator:admin' })
  createdBy!: string | null;

  @ApiProperty()
  createdAt!: string;
}

export class OperatorListDto {
  @ApiProperty({ type: [OperatorDto] })
  items!: OperatorDto[];

  @ApiProperty({ example: 1 })
  total!: number;
}
