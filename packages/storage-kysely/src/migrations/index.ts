import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';
import { up0001Initial } from './0001_initial.js';
import { up0002WriteIntents } from './0002_write_intents.js';
import { up0003ResourceConnections } from './0003_resource_connections.js';
import { up0004AuditLog } from './0004_audit_log.js';
import { up0005ConnectionHealth } from './0005_connection_health.js';
import { up0006UserExternalId } from './0006_user_external_id.js';
import { up0007ConnectionAuthMode } from './0007_connection_auth_mode.js';

/**
 * Every migration, in order. Forward-only: add a new file and a line here, never edit a shipped
 * one. They are code (not .sql files) so tsup bundles them. Names are written unqualified: the
 * namespace is applied around each migration (`migrationsFor` in migrator.ts).
 */
export const MIGRATIONS: readonly (readonly [name: string, up: (db: Kysely<unknown>, dialect: SqlDialect) => Promise<void>])[] = [
  ['0001_initial', up0001Initial],
  ['0002_write_intents', up0002WriteIntents],
  ['0003_resource_connections', up0003ResourceConnections],
  ['0004_audit_log', up0004AuditLog],
  ['0005_connection_health', up0005ConnectionHealth],
  ['0006_user_external_id', up0006UserExternalId],
  ['0007_connection_auth_mode', up0007ConnectionAuthMode],
];

/** The migration names, in order. */
export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map(([name]) => name);
