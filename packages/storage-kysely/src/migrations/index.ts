import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../dialect.js';
import { up0001Initial } from './0001_initial.js';

/**
 * Every migration, in order, keyed by its recorded name. Forward-only: add a new file, never edit a
 * shipped one. They are code (not .sql files) so tsup bundles them.
 */
export function migrationsFor(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001_initial': { up: (db: Kysely<unknown>) => up0001Initial(db, dialect) },
  };
}

/** The migration names, in order. */
export const MIGRATION_NAMES = ['0001_initial'] as const;
