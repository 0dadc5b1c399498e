import { sql, type RawBuilder } from 'kysely';
import type { SlugVacancy } from '@cloudlink/engine';
import type { RepoContext } from './context.js';
import { decodeNumber } from '../dialect.js';

/** The tables whose `slug` column the slug rule fills. */
type SlugTable = 'workspaces' | 'projects' | 'environments';

/** `expr` with every digit removed: '' exactly when `expr` is all digits (portable; no regex in SQLite). */
function withoutDigits(expr: RawBuilder<unknown>): RawBuilder<unknown> {
  let out = expr;
  for (let digit = 0; digit <= 9; digit++) out = sql`replace(${out}, ${String(digit)}, '')`;
  return out;
}

/**
 * Where the slug rule can put a new row, in ONE query however many `base-N` exist: whether
 * `base` is free, and the smallest N ≥ 1 with `base-N` free. Every row counts, active or not, as
 * the unique index does. Candidates are `0` and each taken N of 1–9 digits (no leading zero); the
 * first candidate whose successor is free wins, each probe being a lookup on the unique slug index.
 */
export async function slugVacancy({ db }: RepoContext, table: SlugTable, base: string, projectId?: number): Promise<SlugVacancy> {
  const t = sql.table(table);
  const scope = (alias: string) => (projectId === undefined ? sql`` : sql` AND ${sql.ref(`${alias}.project_id`)} = ${projectId}`);
  const start = base.length + 2;
  const suffix = sql`substr(s.slug, ${start})`;
  const prefix = `${base}-`;
  const { rows } = await sql<{ base_free: unknown; first_free: unknown }>`
    SELECT
      NOT EXISTS (SELECT 1 FROM ${t} AS b WHERE b.slug = ${base}${scope('b')}) AS base_free,
      (SELECT min(c.n + 1) FROM (
          SELECT CAST(${suffix} AS INTEGER) AS n FROM ${t} AS s
          WHERE s.slug LIKE ${`${prefix}%`}${scope('s')}
            AND length(s.slug) BETWEEN ${start} AND ${start + 8}
            AND substr(s.slug, ${start}, 1) <> '0'
            AND ${withoutDigits(suffix)} = ''
          UNION ALL SELECT 0
        ) AS c
        WHERE NOT EXISTS (SELECT 1 FROM ${t} AS f WHERE f.slug = ${prefix} || CAST(c.n + 1 AS TEXT)${scope('f')})
      ) AS first_free`.execute(db);
  const row = rows[0];
  const baseFree = row?.base_free === true || row?.base_free === 1 || row?.base_free === '1';
  return { baseFree, firstFreeSuffix: decodeNumber(row?.first_free ?? 1) };
}
