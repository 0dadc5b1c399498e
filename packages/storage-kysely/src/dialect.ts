import type { Kysely, RawBuilder } from 'kysely';
import type { UniqueConstraint } from '@cloudlink/engine';
import type { Database } from './schema.js';
import type { Namespace } from './namespace.js';

/** Column type names and literals the migrations need, per dialect. */
export interface DdlTypes {
  /** Integer primary key with auto-increment (SQLite `INTEGER PRIMARY KEY AUTOINCREMENT`, Postgres identity). */
  readonly id: string;
  readonly ts: string;
  /** Text compared and ordered by code point whatever the database locale (Postgres `COLLATE "C"`). */
  readonly textBinary: string;
  readonly bool: string;
  readonly json: string;
  readonly real: string;
  readonly money: string;
  readonly true: string;
  readonly false: string;
  /** Default expression for "now" on seeded rows. */
  readonly now: string;
}

/**
 * The dialect seam: everything the shared SQL layer needs to know about the database it runs on.
 * Only value encodings, DDL type names, conflict detection and the workspace row lock differ; all
 * queries are shared.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  readonly ddl: DdlTypes;
  /**
   * The largest value an id column holds (Postgres `integer`: 2^31 − 1). Path ids may be larger
   * (up to 15 digits); a lookup beyond this range finds nothing instead of failing in the database.
   */
  readonly maxId: number;
  encodeDate(value: Date): Date | string;
  decodeDate(value: unknown): Date;
  encodeBool(value: boolean): boolean | number;
  decodeBool(value: unknown): boolean;
  /** JSON columns are written as JSON text on both dialects (pg would turn arrays into PG arrays). */
  encodeJson(value: unknown): string;
  decodeJson(value: unknown): unknown;
  /**
   * The name of the unique index that refused a write, or null when `error` is not a unique
   * violation (SQLite `SQLITE_CONSTRAINT_UNIQUE` + message; Postgres `23505` + constraint name).
   * Names the database reports are in `namespace` (SQLite: with the table prefix).
   */
  uniqueViolation(error: unknown, namespace?: Namespace): UniqueConstraint | null;
  /** Serialise writers of one workspace inside a transaction (Postgres row lock; SQLite no-op). */
  lockWorkspace(trx: Kysely<Database>, workspaceId: number): Promise<void>;
  /**
   * The value at top-level `key` of the JSON column `column` when it is a JSON string, else NULL
   * (so a number 1 never equals the filter '1' on one dialect and not the other). `column` and
   * `key` are identifiers from code, never from a request.
   */
  jsonStringField(column: string, key: string): RawBuilder<string | null>;
}

/** Shared decoders that both dialects use as-is. */
export function decodeNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}
