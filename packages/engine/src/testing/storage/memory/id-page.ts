import type { IdPage } from '../../../ports/storage.js';

/** The memory twin of `WHERE id > after ORDER BY id LIMIT limit`. */
export function pageById<T extends { id: number }>(rows: readonly T[], page: IdPage): T[] {
  return rows
    .filter((r) => page.after === undefined || r.id > page.after)
    .sort((a, b) => a.id - b.id)
    .slice(0, page.limit);
}
