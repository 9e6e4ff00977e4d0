import { BadRequestError } from './errors';

/** Parses a `{version}` path segment: a whole number from 1 up. */
export const versionNumberPipe = {
  transform(value: string): number {
    if (!/^[1-9]\d{0,8}$/.test(value)) {
      throw new BadRequestError(`version must be a whole number from 1 up, got "${String(value).slice(0, 40)}"`);
    }
    return Number(value);
  },
};

export function parseVersionNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : versionNumberPipe.transform(value);
}
