import { sql } from 'kysely';
import type { UniqueConstraint } from '@cloudlink/engine';
import { DEFAULT_NAMESPACE, constraintByColumns, constraintByIndex, localName } from '@cloudlink/storage-kysely';
import type { Namespace, SqlDialect } from '@cloudlink/storage-kysely';

/**
 * SQLite reports a unique violation as `SQLITE_CONSTRAINT_UNIQUE` with the message
 * `UNIQUE constraint failed: <table>.<col>, …` (or `index '<name>'` for expression indexes); under
 * a table prefix those names carry it, and it is stripped before the lookup.
 */
function uniqueViolation(error: unknown, ns: Namespace = DEFAULT_NAMESPACE): UniqueConstraint | null {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || e.code !== 'SQLITE_CONSTRAINT_UNIQUE' || typeof e.message !== 'string') return null;
  const detail = e.message.replace(/^UNIQUE constraint failed: /, '').trim();
  const index = /^index '([^']+)'$/.exec(detail)?.[1];
  if (index) return constraintByIndex(localName(ns, index) ?? index);
  return constraintByColumns(detail.split(', ').map((column) => localName(ns, column) ?? column).join(', '));
}

/** The SQLite side of the seam: ISO text timestamps with ms, 0/1 booleans, JSON text. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  ddl: {
    id: 'INTEGER PRIMARY KEY AUTOINCREMENT',
    ts: 'TEXT',
    textBinary: 'TEXT',
    bool: 'INTEGER',
    json: 'TEXT',
    real: 'REAL',
    money: 'NUMERIC(10,2)',
    true: '1',
    false: '0',
    now: `(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
  },
  // SQLite integers are 64-bit; every id the engine accepts fits.
  maxId: Number.MAX_SAFE_INTEGER,
  encodeDate: (value) => value.toISOString(),
  decodeDate: (value) => new Date(value as string),
  encodeBool: (value) => (value ? 1 : 0),
  decodeBool: (value) => value === 1 || value === true || value === 1n,
  encodeJson: (value) => JSON.stringify(value),
  decodeJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
  uniqueViolation,
  // Every SQLite transaction here is BEGIN IMMEDIATE on the only connection: already exclusive.
  lockWorkspace: async () => {},
  jsonStringField(column, key) {
    const [col, path] = [sql.ref(identifier(column)), sql.lit(`$.${identifier(key)}`)];
    return sql<string | null>`(CASE WHEN json_type(${col}, ${path}) = 'text' THEN json_extract(${col}, ${path}) END)`;
  },
};

/** Column and key names are spliced into SQL: only plain identifiers from code pass. */
function identifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError(`not an identifier: ${name}`);
  return name;
}
