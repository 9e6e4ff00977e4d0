import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength, ValidateBy, ValidateIf } from 'class-validator';

/** URL-safe: the name appears in /v2/models/{name} and /v1/models/{name}:predict. */
export const MODEL_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$/;
export const MODEL_NAME_RULE =
  'name must be 1-63 characters of lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit (e.g. "iris-classifier")';

/**
 * Names that a fixed route of the inference protocols takes from a model's own route, with why.
 * GET /v2/models/stats is the Open Inference Protocol's statistics of every model (Triton's
 * statistics extension), so a model named "stats" would have no GET /v2/models/{name} metadata.
 * No other name collides: every other /v2/models/... route has the name followed by more segments,
 * and every /v1/models/... route (TF Serving's) starts with the name. Only creation checks this (a
 * name cannot change), so a model so named before keeps working, its metadata at
 * /v2/models/stats/versions/{v}.
 */
export const RESERVED_MODEL_NAMES: ReadonlyMap<string, string> = new Map([
  ['stats', "GET /v2/models/stats is the Open Inference Protocol's statistics route for all models, where this model's metadata would be"],
]);

/** The 400's message for a reserved name: what is wrong and what to do instead. */
export function reservedModelNameMessage(name: string): string | undefined {
  const why = RESERVED_MODEL_NAMES.get(name);
  return why === undefined ? undefined : `name "${name}" is reserved: ${why}; choose another name (e.g. "${name}-model")`;
}

/** Not one of RESERVED_MODEL_NAMES (anything else is left to the pattern). */
const IsUnreservedModelName = () =>
  ValidateBy({
    name: 'isUnreservedModelName',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !RESERVED_MODEL_NAMES.has(value),
      defaultMessage: (args) => reservedModelNameMessage(String(args?.value)) ?? 'name is reserved',
    },
  });

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;
const MAX_LABELS = 64;

/** Labels are a flat map of short strings: at most 64, keys like "team" or "app.kubernetes.io/name", values up to 256 characters. */
const IsLabelMap = () =>
  ValidateBy({
    name: 'isLabelMap',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length <= MAX_LABELS &&
        Object.entries(value).every(([key, label]) => LABEL_KEY.test(key) && typeof label === 'string' && label.length <= 256),
      defaultMessage: () =>
        `labels must be an object of at most ${MAX_LABELS} string values (up to 256 characters), keyed by names of letters, digits, ".", "_", "/" or "-"`,
    },
  });

export class CreateModelDto {
  @ApiProperty({ example: 'iris', description: `${MODEL_NAME_RULE}; not "stats", which GET /v2/models/stats (statistics of all models) takes` })
  @IsString()
  @Matches(MODEL_NAME_PATTERN, { message: MODEL_NAME_RULE })
  @IsUnreservedModelName()
  name!: string;

  @ApiPropertyOptional({ example: 'Iris species from sepal and petal sizes' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: 'classification', description: 'What the model does, free text' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  task?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { team: 'botany' }, description: 'String labels for filtering and ownership' })
  @IsOptional()
  @IsObject()
  @IsLabelMap()
  labels?: Record<string, string>;
}

export class UpdateModelDto {
  @ApiPropertyOptional({ example: 'Iris species, retrained monthly' })
  // Present means a string: null cannot clear a description (send "" instead).
  @ValidateIf((_dto, value) => value !== undefined)
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: 'classification' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  task?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { team: 'botany' } })
  @ValidateIf((_dto, value) => value !== undefined)
  @IsObject()
  @IsLabelMap()
  labels?: Record<string, string>;
}

export class ModelDto {
  @ApiProperty({ example: 'iris' })
  name!: string;

  @ApiProperty({ example: 'Iris species from sepal and petal sizes' })
  description!: string;

  @ApiProperty({ example: 'classification', nullable: true, type: String })
  task!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { team: 'botany' } })
  labels!: Record<string, string>;

  @ApiProperty({ example: 2, description: 'Highest version number handed out so far (0: none yet)' })
  latestVersion!: number;

  @ApiProperty()
  createdAt!: string;

  @ApiProperty()
  updatedAt!: string;
}

export class ModelListDto {
  @ApiProperty({ type: [ModelDto] })
  items!: ModelDto[];

  @ApiProperty({ example: 1 })
  total!: number;
}
