import { ApiProperty } from '@nestjs/swagger';
import { SCOPES } from '../scopes';
import { RateLimitDto } from './create-key.dto';

/** A key as the API shows it: never the secret, never its hash. */
export class KeyDto {
  @ApiProperty({ example: 'k7Hq2mZp9xRt', description: 'The public part of the key (mg_<id>_<secret>); also the path of DELETE /api/keys/{id}' })
  id!: string;

  @ApiProperty({ example: 'checkout-service' })
  name!: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['predict'] })
  scopes!: string[];

  @ApiProperty({ type: [String], nullable: true, example: ['iris'], description: 'null: all models' })
  models!: string[] | null;

  @ApiProperty({ type: RateLimitDto, nullable: true, description: 'null: no limit' })
  rateLimit!: RateLimitDto | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-12-31T23:59:59.000Z' })
  expiresAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Updated about every 10 seconds while the key is used' })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  revokedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Until when the secret replaced by the last rotation still works' })
  previousSecretExpiresAt!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'operator:alice', description: 'key:<id>, operator:<username> or bootstrap' })
  createdBy!: string | null;

  @ApiProperty()
  createdAt!: string;
}

export class CreatedKeyDto extends KeyDto {
  @ApiProperty({ example: 'mg_k7Hq2mZp9xRt_2o0c5y3Jm6VvQdH8sL1aR4kT7nWbXcEzFgYpUiOqA9s', description: 'The full key: shown this once, never again' })
  key!: string;
}

export class KeyListDto {
  @ApiProperty({ type: [KeyDto] })
  items!: KeyDto[];

  @ApiProperty({ example: 1 })
  total!: number;
}
