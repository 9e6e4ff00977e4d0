import { isISO8601, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * An ISO 8601 date-time that both the server and the database can hold: class-validator's strict
 * isISO8601, read by `Date` (which refuses forms isISO8601 takes: a signed four-digit year such as
 * -2099-01-01T00:00:00Z, the basic format 20260101T000000Z, week dates 2026-W01-1), in year 1 or
 * later in UTC (PostgreSQL has no year 0). Those forms reached the database as an invalid date, and
 * the request answered 500 instead of 400.
 */
export function isDateTime(value: unknown): value is string {
  if (typeof value !== 'string' || !isISO8601(value, { strict: true })) return false;
  const time = Date.parse(value);
  if (!Number.isFinite(time)) return false;
  return new Date(time).getUTCFullYear() >= 1;
}

/** The property is an ISO 8601 date-time the server can read (isDateTime); `message` says what was expected. */
export function IsDateTime(options: ValidationOptions & { message: string }): PropertyDecorator {
  return ValidateBy({ name: 'isDateTime', validator: { validate: isDateTime } }, options);
}
