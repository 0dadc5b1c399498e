import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { SqliteDatabase } from 'kysely';
import { createInProcessZoneLock } from '@cloudlink/engine';
import type { Storage } from '@cloudlink/engine';
import { DEFAULT_NAMESPACE, createKyselyStorage, createPeek, prefixNamespace } from '@cloudlink/storage-kysely';
import type { Database, Peek } from '@cloudlink/storage-kysely';
import { sqliteDialect } from './sqlite-dialect.js';
import { cachingPrepare } from './statement-cache.js';

/**
 * The subset of a better-sqlite3 `Database` this storage uses. A structural type, so the driver
 * stays a peer dependency and tests can hand in their own instance.
 */
export interface SqliteDatabaseLike extends SqliteDatabase {
  exec(source: string): unknown;
  /** better-sqlite3's flag: whether a transaction is open on the connection (reads skip Kysely only when it is `false`). */
  readonly inTransaction?: boolean;
}

/** Options of both forms. */
interface CommonOptions {
  /** How long a statement waits for another process's write lock (ms). Default 5000. */
  readonly busyTimeoutMs?: number;
  /**
   * Put every cloudlink table, index, trigger and migration record under this prefix (e.g. `cl_`:
   * `cl_users`, `cl_cloudlink_migrations`), so cloudlink shares a database file with the host's own
   * tables, or with another cloudlink under another prefix, without either seeing the other's rows.
   * Lower-case letters, digits and `_`, starting with a letter, at most 32. Default: no prefix.
   * See docs/storage-namespaces.md.
   */
  readonly tablePrefix?: string;
}

export type SqliteStorageOptions = CommonOptions &
  (
    | {
        /** A file path (its directory is created when missing), or `':memory:'` for a private in-memory database. */
        readonly filename: string;
      }
    | {
        /** An open database; the storage configures it but never closes it. */
        readonly database: SqliteDatabaseLike;
      }
  );

/** A SQLite `Storage`, plus the raw-row reader the conformance suite uses. */
export interface SqliteStorage extends Storage {
  /** Raw rows for tests (snake_case columns, 0/1 booleans, ISO text timestamps). */
  readonly peek: Peek;
}

/**
 * The embedded default storage on better-sqlite3. Files run in WAL mode; foreign keys are on.
 * better-sqlite3 is one connection, so transactions are serialised: each holds the connection for
 * its whole duration and starts with `BEGIN IMMEDIATE`, which makes `lockWorkspace` unnecessary.
 * Zone locks are an in-process mutex. Call `migrate()` before use; it is never run implicitly.
 */
export function createSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  // Validated before anything is opened: a bad prefix is the caller's mistake, reported as such.
  const namespace = options.tablePrefix === undefined ? DEFAULT_NAMESPACE : prefixNamespace(options.tablePrefix);
  const owned = 'filename' in options;
  const inMemory = owned && (options.filename === ':memory:' || options.filename === '');
  // A first start in a fresh data directory should just work.
  if (owned && !inMemory) mkdirSync(dirname(options.filename), { recursive: true });
  const database: SqliteDatabaseLike = owned ? new BetterSqlite3(options.filename) : options.database;
  database.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  database.exec('PRAGMA foreign_keys = ON');
  // WAL lets readers in other processes see a consistent database while we write; ':memory:' ignores it.
  if (owned && !inMemory) database.exec('PRAGMA journal_mode = WAL');

  // Kysely closes the database it is given on destroy(); an injected one belongs to the caller.
  const handed: SqliteDatabase = {
    prepare: cachingPrepare(database),
    close: owned ? () => database.close() : () => {},
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: handed }) });
  const zoneLock = createInProcessZoneLock();

  const storage = createKyselyStorage({
    db,
    dialect: sqliteDialect,
    namespace,
    runTransaction: (root, fn) =>
      // connection() holds Kysely's single-connection mutex until fn settles, so nothing else
      // interleaves statements into this transaction.
      root.connection().execute(async (conn) => {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`COMMIT`.execute(conn);
          return result;
        } catch (e) {
          await sql`ROLLBACK`.execute(conn).catch(() => {});
          throw e;
        }
      }),
    withZoneLock: (id, fn, lockOptions) => zoneLock.withLock(id, fn, lockOptions),
    readNow: (source, parameters) => {
      if (database.inTransaction !== false) return undefined;
      const statement = handed.prepare(source);
      return statement.reader ? (statement.all(parameters) as unknown[]) : undefined;
    },
  });
  return Object.assign(storage, { peek: createPeek(db as Kysely<unknown>, namespace) });
}
