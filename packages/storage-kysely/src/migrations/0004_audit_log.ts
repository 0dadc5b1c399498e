import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/** The roles granted the two flags when they were introduced (kept here: a migration never changes). */
const GRANTED: Readonly<Record<'canIssueCredentials' | 'canViewAuditLog', readonly string[]>> = {
  canIssueCredentials: ['owner', 'admin'],
  canViewAuditLog: ['owner', 'admin'],
};

/**
 * The audit log (see docs/audit.md): one append-only table per database, read per workspace newest
 * first (`id` descending), optionally by connection. `connection_id` copies `targets.connectionId`
 * so the filter uses an index; there is no foreign key on it, as an entry outlives what it names.
 */
function schemaStatements(t: SqlDialect['ddl']): string[] {
  return [
    `CREATE TABLE audit_log (id ${t.id}, workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
      actor_kind TEXT NOT NULL CONSTRAINT ck_audit_log_actor_kind CHECK (actor_kind IN ('user', 'host', 'system')),
      actor_user_id INTEGER REFERENCES users (id), operation TEXT NOT NULL, connection_id INTEGER,
      targets ${t.json} NOT NULL,
      outcome TEXT NOT NULL CONSTRAINT ck_audit_log_outcome CHECK (outcome IN ('success', 'failure')),
      error TEXT, detail ${t.json} NOT NULL, request_id TEXT, created_at ${t.ts} NOT NULL)`,
    `CREATE INDEX ix_audit_log_workspace ON audit_log (workspace_id, id DESC)`,
    `CREATE INDEX ix_audit_log_connection ON audit_log (workspace_id, connection_id, id DESC)`,
  ];
}

/** Append-only in the database too: an UPDATE or DELETE of an entry fails, whoever issues it. */
function appendOnlyStatements(dialect: SqlDialect['name']): string[] {
  if (dialect === 'postgres') {
    return [
      `CREATE FUNCTION cloudlink_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`,
      `CREATE TRIGGER tr_audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION cloudlink_audit_log_append_only()`,
    ];
  }
  return [
    `CREATE TRIGGER tr_audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
    `CREATE TRIGGER tr_audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
  ];
}

/**
 * Seed the new permission flags into the stored roles, so `roles.permissions` keeps matching the
 * code (a database created before the flags lacks them; a fresh one already has them from 0001).
 */
async function addFlags(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const roles = await sql<{ id: unknown; code: string; permissions: unknown }>`SELECT id, code, permissions FROM roles ORDER BY id`.execute(db);
  for (const role of roles.rows) {
    const permissions = { ...(dialect.decodeJson(role.permissions) as Record<string, unknown>) };
    for (const [flag, codes] of Object.entries(GRANTED)) permissions[flag] = codes.includes(role.code);
    await sql`UPDATE roles SET permissions = ${dialect.encodeJson(permissions)} WHERE id = ${role.id}`.execute(db);
  }
}

export async function up0004AuditLog(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  for (const statement of [...schemaStatements(dialect.ddl), ...appendOnlyStatements(dialect.name)]) await sql.raw(statement).execute(db);
  await addFlags(db, dialect);
}
