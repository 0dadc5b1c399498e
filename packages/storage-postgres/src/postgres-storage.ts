import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { PostgresPool } from 'kysely';
import type { Storage } from '@cloudlink/engine';
import { createKyselyStorage, createPeek } from '@cloudlink/storage-kysely';
import type { Database, Peek } from '@cloudlink/storage-kysely';
import { postgresDialect } from './postgres-dialect.js';
import { withPostgresZoneLock } from './zone-lock.js';

export type PostgresStorageOptions =
  | {
      /** e.g. `postgres://user@host:5432/db`; the storage creates (and on close ends) its own pool. */
      readonly connectionString: string;
      /** Pool size. Default 10. */
      readonly max?: number;
    }
  | {
      /** A `pg.Pool` (or anything with its `connect`/`end` shape); the caller keeps ownership. */
      readonly pool: PostgresPool;
    };

/** A Postgres `Storage`, plus the raw-row reader the conformance suite uses. */
export interface PostgresStorage extends Storage {
  /** Raw rows for tests (snake_case columns as pg returns them). */
  readonly peek: Peek;
}

function createPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client dying (server restart, network) is emitted on the pool and would crash the
  // process if unhandled; the pool has already discarded it and the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/**
 * The storage for several app instances sharing one database. Transactions are READ COMMITTED;
 * `lockWorkspace` is `SELECT … FOR UPDATE` on the workspace row; zone locks are session advisory
 * locks on a dedicated pooled client, so they hold across instances. Call `migrate()` before use
 * (safe when several instances start at once); it is never run implicitly.
 */
export function createPostgresStorage(options: PostgresStorageOptions): PostgresStorage {
  const owned = 'connectionString' in options;
  const pool: PostgresPool = owned ? createPool(options.connectionString, options.max ?? 10) : options.pool;
  // Kysely ends the pool it is given on destroy(); an injected pool belongs to the caller.
  const handed: PostgresPool = owned ? pool : { connect: () => pool.connect(), end: async () => {} };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: handed }) });

  const storage = createKyselyStorage({
    db,
    dialect: postgresDialect,
    runTransaction: (root, fn) => root.transaction().setIsolationLevel('read committed').execute(fn),
    withZoneLock: (id, fn, lockOptions) => withPostgresZoneLock(pool, id, fn, lockOptions),
  });
  return Object.assign(storage, { peek: createPeek(db as Kysely<unknown>) });
}
