import type { z } from 'zod';
import { validationFailed, type ValidationIssue } from '../errors/index.js';

/** `['records', 3, 'values', 0]` → `records[3].values[0]`; the empty path is `body`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? 'body' : out;
}

/** zod issues → documented validation issues, in order. */
export function toValidationIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: formatPath([...prefix, ...issue.path]), message: issue.message }));
}

/**
 * Parse `raw` with `schema`, or throw 400 `Validation failed` listing every issue (see docs/errors.md).
 * Schemas carry the documented messages (`must be a 12-digit AWS account ID`, …) as their own.
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, prefix: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (!result.success) throw validationFailed(toValidationIssues(result.error, prefix));
  return result.data;
}

const MAX_ID_DIGITS = 15;
const PATH_ID = /^[1-9]\d{0,14}$/;

/**
 * A path id: a positive integer given as a number or a string of digits without a
 * leading zero, at most 15 digits; anything else throws `invalid()` (the route's "Invalid … ID").
 */
export function parsePathId(raw: unknown, invalid: () => Error): number {
  const text = typeof raw === 'number' ? (Number.isSafeInteger(raw) ? String(raw) : '') : typeof raw === 'string' ? raw : '';
  if (text.length > MAX_ID_DIGITS || !PATH_ID.test(text)) throw invalid();
  return Number(text);
}

/**
 * A query boolean: `true`/`false` (strings from REST, booleans from tRPC); undefined stays
 * undefined; anything else is a validation failure at `path`.
 */
export function parseQueryBoolean(raw: unknown, path: string): boolean | undefined {
  if (raw === undefined) return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw validationFailed([{ path, message: 'must be true or false' }]);
}
