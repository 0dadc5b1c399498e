import type { SlugVacancy } from '../../../ports/storage.js';

/** The memory twin of the SQL query: `base` free?, and the smallest N ≥ 1 with `base-N` free. */
export function slugVacancyAmong(rows: readonly { slug: string }[], base: string): SlugVacancy {
  const taken = new Set(rows.map((r) => r.slug));
  let n = 1;
  while (taken.has(`${base}-${n}`)) n++;
  return { baseFree: !taken.has(base), firstFreeSuffix: n };
}
