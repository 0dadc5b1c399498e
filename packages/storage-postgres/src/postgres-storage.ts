import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { PostgresPool } from 'kysely';
import type { Storage } from '@cloudlink/engine';
import { DEFAULT_NAMESPACE, createKyselyStorage, createPeek, schemaNamespace } from '@cloudlink/storage-kysely';
import type { Database, Peek } from '@cloudlink/storage-kysely';
import { postgresDialect } from './postgres-dialect.js';
import { withPostgresZoneLock, zoneLockKey } from './zone-lock.js';
import { withPreparedStatements } from './prepared-statements.js';

/** Options of both forms. */
interface CommonOptions {
  /**
   * Run the storage's queries (SELECT/INSERT/UPDATE/DELETE/WITH) as named prepared statements, so
   * Postgres plans each distinct query once per connection instead of on every call. Default `true`;
   * `false` sends every query unnamed (as before), e.g. behind a transaction-mode pooler (PgBouncer
   * < 1.21) that cannot keep prepared statements, or to compare.
   */
  readonly preparedStatements?: boolean;
  /**
   * The Postgres schema that holds every cloudlink table, index, function and migration record
   * (created by `migrate()` when missing), so cloudlink lives in the host's database beside the
   * host's own tables, or beside another cloudlink in another schema, neither seeing the other's
   * rows; zone locks and prepared statements are kept apart too. Lower-case letters, digits and
   * `_`, at most 56, not `pg_…`. Default: none — names stay unqualified and resolve through the
   * connection's `search_path` (normally `public`), as before this option existed.
   * See docs/storage-namespaces.md.
   */
  readonly schema?: string;
}

export type PostgresStorageOptions = CommonOptions &
  (
    | {
        /** e.g. `postgres://user@host:5432/db`; the storage creates (and on close ends) its own pool. */
        readonly connectionString: string;
        /** Pool size. Default 10. */
        readonly max?: number;
        /** Size of the separate pool whose clients hold zone locks (one per locked zone). Default `max`. */
        readonly lockSessions?: number;
      }
    | {
        /** A `pg.Pool` (or anything with its `connect`/`end` shape); the caller keeps ownership. */
        readonly pool: PostgresPool;
        /**
         * Clients for zone locks, never the query pool (a held lock must not take a client its
         * holder's queries need). The caller keeps ownership. Default: when `pool` is a `pg.Pool`,
         * a private pool with its options (ended on close); otherwise required.
         */
        readonly lockPool?: PostgresPool;
      }
  );

/** A Postgres `Storage`, plus the raw-row reader the conformance suite uses. */
export interface PostgresStorage extends Storage {
  /** Raw rows for tests (snake_case columns as pg returns them). */
  readonly peek: Peek;
}

function createPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  // An idle client dying (server restart, network) is emitted on the pool and would crash the
  // process if unhandled; the pool has already discarded it and the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/** The pool zone locks hold their clients on, and whether the storage ends it on close. */
function lockPoolFor(options: PostgresStorageOptions): { pool: PostgresPool; owned: boolean } {
  if ('connectionString' in options) {
    const { connectionString, max = 10, lockSessions = max } = options;
    return { pool: createPool({ connectionString, max: lockSessions }), owned: true };
  }
  if (options.lockPool) return { pool: options.lockPool, owned: false };
  const config = (options.pool as Partial<pg.Pool>).options;
  if (!config) throw new TypeError('createPostgresStorage: `pool` is not a pg.Pool; pass a `lockPool` for zone locks too');
  return { pool: createPool({ ...config }), owned: true };
}

/**
 * The storage for several app instances sharing one database. Transactions are READ COMMITTED;
 * `lockWorkspace` is `SELECT … FOR UPDATE` on the workspace row; zone locks are session advisory
 * locks on clients of a separate lock pool, so they hold across instances. Call `migrate()` before use
 * (safe when several instances start at once); it is never run implicitly.
 */
export function createPostgresStorage(options: PostgresStorageOptions): PostgresStorage {
  // Validated before any pool is made: a bad name is the caller's mistake, reported as such.
  const namespace = options.schema === undefined ? DEFAULT_NAMESPACE : schemaNamespace(options.schema);
  const lockKey = zoneLockKey(namespace);
  const owned = 'connectionString' in options;
  const pool: PostgresPool = owned ? createPool({ connectionString: options.connectionString, max: options.max ?? 10 }) : options.pool;
  const locks = lockPoolFor(options);
  // Kysely ends the pool it is given on destroy(); an injected pool belongs to the caller.
  const own: PostgresPool = owned ? pool : { connect: () => pool.connect(), end: async () => {} };
  const handed = options.preparedStatements === false ? own : withPreparedStatements(own);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: handed }) });

  const storage = createKyselyStorage({
    db,
    dialect: postgresDialect,
    namespace,
    runTransaction: (root, fn) => root.transaction().setIsolationLevel('read committed').execute(fn),
    withZoneLock: (id, fn, lockOptions) => withPostgresZoneLock(locks.pool, lockKey, id, fn, lockOptions),
    onClose: async () => {
      if (locks.owned) await locks.pool.end();
    },
  });
  return Object.assign(storage, { peek: createPeek(db as Kysely<unknown>, namespace) });
}
