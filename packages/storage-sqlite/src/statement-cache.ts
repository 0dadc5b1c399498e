import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely prepares every query anew, and preparing costs about as much as running a small query.
 * Queries come from a fixed set of builders, so caching statements by SQL text (bounded, oldest
 * out first) saves that work on every call. A statement still iterating (`busy`) is never handed
 * out twice: a fresh one is prepared for the second caller.
 */
export function cachingPrepare(database: SqliteDatabase, max = 512): (source: string) => SqliteStatement {
  const cache = new Map<string, SqliteStatement>();
  return (source) => {
    const hit = cache.get(source);
    if (hit && !(hit as { busy?: boolean }).busy) return hit;
    const statement = database.prepare(source);
    if (!hit) {
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(source, statement);
    }
    return statement;
  };
}

