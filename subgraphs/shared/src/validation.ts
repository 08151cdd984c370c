import { invalidInput } from './errors.js';

export type InvalidInput = ReturnType<typeof invalidInput>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID string; ids from clients are checked before they reach a uuid column. */
export const isUuid = (value: string) => UUID.test(value);

/** An idempotency key: 1 to 200 printable characters. */
export function checkIdempotencyKey(key: string): InvalidInput | null {
  return key.length >= 1 && key.length <= 200 && ![...key].some((char) => char < ' ')
    ? null
    : invalidInput('idempotencyKey must be 1 to 200 printable characters.', 'idempotencyKey');
}

/** A required text of bounded length, trimmed; returns the error or null. */
export function checkText(
  value: string | null | undefined,
  { field, max = 200, required = true }: { field: string; max?: number; required?: boolean },
): InvalidInput | null {
  const trimmed = value?.trim() ?? '';
  if (required && trimmed.length === 0) return invalidInput(`${field} must not be empty.`, field);
  if (trimmed.length > max)
    return invalidInput(`${field} must be at most ${max} characters.`, field);
  return null;
}

/** ISO 3166-1 alpha-2, e.g. "US". */
export const isCountryCode = (value: string) => /^[A-Z]{2}$/.test(value);

/** The first problem found, or null: `firstProblem(checkA, checkB, ...)`. */
export function firstProblem(...problems: (InvalidInput | null)[]): InvalidInput | null {
  return problems.find((problem) => problem !== null) ?? null;
}
