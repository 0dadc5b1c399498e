import { Migrator, sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from './dialect.js';
import { MIGRATIONS } from './migrations/index.js';
import { DEFAULT_NAMESPACE, namespacePlugin, objectName, type Namespace } from './namespace.js';
import { prefixMigrationPlugin } from './prefix-sql.js';
import type { Database } from './schema.js';

/** Where Kysely's migrator records what ran (in a prefix namespace, with the prefix). */
export const MIGRATION_TABLE = 'cloudlink_migrations';
export const MIGRATION_LOCK_TABLE = 'cloudlink_migrations_lock';

/**
 * The migrations for one dialect in one namespace, keyed by the name recorded in
 * `cloudlink_migrations`. Each migration is written once, with unqualified names; the namespace is
 * applied around it, so every migration (present and future) lands in it without knowing:
 * - schema: the migration runs with `search_path` set to the schema alone for the rest of the
 *   migrator's transaction (Postgres' own resolution of unqualified names, also for names inside
 *   function arguments such as `pg_get_serial_sequence('plans', 'id')`), and its query-builder
 *   statements are qualified by the namespace plugin;
 * - prefix: its raw SQL is rewritten by `prefixTablesInSql`, its builder statements by the plugin.
 */
export function migrationsFor(dialect: SqlDialect, ns: Namespace = DEFAULT_NAMESPACE): Record<string, Migration> {
  const wrap = (up: (db: Kysely<unknown>, dialect: SqlDialect) => Promise<void>): Migration['up'] => {
    if (ns.kind === 'schema') {
      const plugin = namespacePlugin(ns)!;
      return async (db) => {
        // Transaction-local (the third argument): the setting ends with the migrator's transaction.
        await sql`SELECT set_config('search_path', ${`"${ns.schema}"`}, true)`.execute(db);
        await up(db.withPlugin(plugin), dialect);
      };
    }
    if (ns.kind === 'prefix') {
      const plugin = prefixMigrationPlugin(ns);
      return (db) => up(db.withPlugin(plugin), dialect);
    }
    return (db) => up(db, dialect);
  };
  return Object.fromEntries(MIGRATIONS.map(([name, up]) => [name, { up: wrap(up) }]));
}

/** The names of the migration tables in `ns`, and the schema they live in. */
export function migrationTablesOf(ns: Namespace): { schema?: string; table: string; lockTable: string } {
  return {
    ...(ns.kind === 'schema' && { schema: ns.schema }),
    table: objectName(ns, MIGRATION_TABLE),
    lockTable: objectName(ns, MIGRATION_LOCK_TABLE),
  };
}

function migratorFor(db: Kysely<Database>, dialect: SqlDialect, ns: Namespace): Migrator {
  const migrations = migrationsFor(dialect, ns);
  const tables = migrationTablesOf(ns);
  return new Migrator({
    // Kysely's migrator names its own tables (schema option, prefixed names): no namespace plugin on top.
    db: db.withoutPlugins(),
    provider: { getMigrations: async () => migrations },
    migrationTableName: tables.table,
    migrationLockTableName: tables.lockTable,
    // Also makes the migrator create the schema when it is missing.
    ...(tables.schema !== undefined && { migrationTableSchema: tables.schema }),
  });
}

/**
 * Apply every pending migration. Idempotent. On Postgres Kysely's migrator holds an advisory lock
 * and runs in a transaction, so two processes starting at once are safe: the second waits, then
 * finds nothing to do. Throws the first failure (with the migration name) after rolling it back.
 */
export async function runMigrations(db: Kysely<Database>, dialect: SqlDialect, ns: Namespace = DEFAULT_NAMESPACE): Promise<{ applied: string[] }> {
  const { error, results } = await migratorFor(db, dialect, ns).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`cloudlink migration ${failed ?? '(setup)'} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Names of migrations not yet applied (all of them on an empty database). */
export async function pendingMigrations(db: Kysely<Database>, dialect: SqlDialect, ns: Namespace = DEFAULT_NAMESPACE): Promise<string[]> {
  const infos = await migratorFor(db, dialect, ns).getMigrations();
  return infos.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
