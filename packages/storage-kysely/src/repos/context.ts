import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';
import type { Database } from '../schema.js';
import type { CompiledQueries } from '../compiled.js';

/** What every repository is built from: a Kysely handle (root or transaction) and the dialect seam. */
export interface RepoContext {
  readonly db: Kysely<Database>;
  readonly d: SqlDialect;
  /**
   * Run several statements as one unit: a new transaction on the root handle, or simply `fn(db)`
   * inside a `transaction()` (whose commit or rollback then covers them).
   */
  atomic<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** The hot reads compiled once, shared by the root and every transaction of one storage. */
  readonly compiled: CompiledQueries;
}

/**
 * Whether `id` can name a row at all. Ids from requests (paths, queries, the actor) may exceed the
 * id column's range; lookups answer "not found" for those before the database refuses the value.
 */
export function idInRange(d: SqlDialect, id: number): boolean {
  return id <= d.maxId;
}

/** Decode a nullable timestamp column. */
export function optDate(d: SqlDialect, value: unknown): Date | null {
  return value === null || value === undefined ? null : d.decodeDate(value);
}

/** Encode a nullable Date for a write. */
export function encOptDate(d: SqlDialect, value: Date | null | undefined): Date | string | null {
  return value === null || value === undefined ? null : d.encodeDate(value);
}

/** Thrown when an update targets a row that does not exist (a caller bug, never a user error). */
export function missingRow(table: string, id: number): Error {
  return new Error(`${table} row ${id} does not exist`);
}
