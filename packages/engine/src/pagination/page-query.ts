import { z } from 'zod';

/** Most rows one page of a database list returns (and what it returns without `limit`). */
export const LIST_PAGE_MAX = 1000;
/** Most record sets one page of a live record listing returns: the same as the write cap. */
export const RECORD_PAGE_MAX = 10_000;
/** Longer is never a cursor we issued; refused before any decoding work. */
const CURSOR_MAX_LENGTH = 1024;

/**
 * `limit` (an integer 1..max, as a number over tRPC or a digit string over REST) and `cursor` (the
 * opaque `nextCursor` of the previous page). Spread into a list's query schema.
 */
export function pageQueryFields(max: number) {
  const problem = `must be an integer from 1 to ${max}`;
  return {
    limit: z
      .union([z.number(), z.string()], { error: problem })
      .transform((v) => String(v))
      .pipe(z.string().regex(/^[1-9]\d{0,9}$/, problem))
      .transform(Number)
      .refine((n) => n <= max, problem)
      .optional(),
    cursor: z.string({ error: 'must be a string' }).max(CURSOR_MAX_LENGTH, 'is not a cursor of this list').optional(),
  };
}

/** The page fields alone, for database lists without other query parameters (members, environments, zones). */
export const listPageQuerySchema = z.object(pageQueryFields(LIST_PAGE_MAX));
/** The page fields of the live record listing. */
export const recordPageQuerySchema = z.object(pageQueryFields(RECORD_PAGE_MAX));

export interface PageQuery {
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}
