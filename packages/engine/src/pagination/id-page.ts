import { z } from 'zod';
import type { IdPage } from '../ports/storage.js';
import { decodeCursor, encodeCursor, type CursorList } from './cursor.js';
import { LIST_PAGE_MAX, type PageQuery } from './page-query.js';

const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export interface IdPageRequest {
  /** What to ask storage for: one row more than the page, to know whether another page exists. */
  readonly read: IdPage;
  /** The page out of what storage returned, and the cursor of the next one (null when none). */
  finish<T extends { readonly id: number }>(rows: readonly T[]): { items: T[]; nextCursor: string | null };
}

/**
 * A keyset page by `id` of one list in one scope: `limit` rows (default and maximum 1 000) after the
 * cursor's id, read as `limit + 1` rows so the next cursor is only set when more exist.
 */
export function openIdPage(query: PageQuery, list: CursorList, scope: number): IdPageRequest {
  const limit = query.limit ?? LIST_PAGE_MAX;
  const after = decodeCursor(query.cursor, list, scope, positiveId);
  return {
    read: after === undefined ? { limit: limit + 1 } : { after, limit: limit + 1 },
    finish(rows) {
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(list, scope, last.id) : null };
    },
  };
}
