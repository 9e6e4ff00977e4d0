import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { exceedsJsonDepth } from '../security/json-problems';
import { BadRequestError } from './errors';

/** The options of the global ValidationPipe, shared with validation done by hand (multipart fields). */
export const VALIDATION_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/** One message for a list of class-validator errors: every field, what was wrong with it. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  const messages: string[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      messages.push(message.startsWith(error.property) ? `${parent ? `${parent}.` : ''}${message}` : `${path}: ${message}`);
    }
    if (error.children?.length) messages.push(...describeValidationErrors(error.children, path));
  }
  return messages;
}

const FIELD_MAX_DEPTH = 32;

/** Validates a plain object against a DTO class outside a controller's body (e.g. a multipart field). */
export function validateDto<T extends object>(dtoClass: ClassConstructor<T>, value: unknown, what: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError(`${what} must be a JSON object`);
  }
  // class-transformer recurses: refuse what would overflow the stack (request bodies get the same check on parsing).
  if (exceedsJsonDepth(value, FIELD_MAX_DEPTH)) throw new BadRequestError(`${what} nests more than ${FIELD_MAX_DEPTH} levels deep`);
  const instance = plainToInstance(dtoClass, value);
  const errors = validateSync(instance, VALIDATION_OPTIONS);
  if (errors.length > 0) throw new BadRequestError(`${what} is invalid: ${describeValidationErrors(errors).join('; ')}`);
  return instance;
}
