import { Migrator } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from './dialect.js';
import { migrationsFor } from './migrations/index.js';
import type { Database } from './schema.js';

/** Where Kysely's migrator records what ran. */
export const MIGRATION_TABLE = 'cloudlink_migrations';
export const MIGRATION_LOCK_TABLE = 'cloudlink_migrations_lock';

function migratorFor(db: Kysely<Database>, dialect: SqlDialect): Migrator {
  const migrations = migrationsFor(dialect);
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
}

/**
 * Apply every pending migration. Idempotent. On Postgres Kysely's migrator holds an advisory lock
 * and runs in a transaction, so two processes starting at once are safe: the second waits, then
 * finds nothing to do. Throws the first failure (with the migration name) after rolling it back.
 */
export async function runMigrations(db: Kysely<Database>, dialect: SqlDialect): Promise<{ applied: string[] }> {
  const { error, results } = await migratorFor(db, dialect).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`cloudlink migration ${failed ?? '(setup)'} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Names of migrations not yet applied (all of them on an empty database). */
export async function pendingMigrations(db: Kysely<Database>, dialect: SqlDialect): Promise<string[]> {
  const infos = await migratorFor(db, dialect).getMigrations();
  return infos.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
