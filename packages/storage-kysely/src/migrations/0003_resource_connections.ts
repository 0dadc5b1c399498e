import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/** The roles granted `canRegisterResources` when the flag was introduced (kept here: a migration never changes). */
const REGISTERING_ROLES: readonly string[] = ['owner', 'admin'];

/**
 * Subdomains and resource connections (see docs/resources.md):
 *
 * - `resources.parent_resource_id`: a subdomain's zone; one active subdomain per name and zone;
 * - `resource_connections`: a link from a source resource to a target resource, with the record
 *   sets it wrote (`records`) so that only those are ever removed on its behalf; a source has at
 *   most one active connection (a subdomain points one way).
 */
function schemaStatements(t: SqlDialect['ddl']): string[] {
  return [
    `ALTER TABLE resources ADD COLUMN parent_resource_id INTEGER REFERENCES resources (id)`,
    `CREATE UNIQUE INDEX ux_resources_subdomain ON resources (parent_resource_id, domain_name)
      WHERE is_active = ${t.true} AND resource_type = 'subdomain'`,
    `CREATE TABLE resource_connections (id ${t.id}, workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
      project_id INTEGER NOT NULL REFERENCES projects (id), environment_id INTEGER NOT NULL REFERENCES environments (id),
      connection_type TEXT NOT NULL, source_resource_id INTEGER NOT NULL REFERENCES resources (id),
      target_resource_id INTEGER NOT NULL REFERENCES resources (id), zone_resource_id INTEGER REFERENCES resources (id),
      status TEXT NOT NULL CONSTRAINT ck_resource_connections_status CHECK (status IN ('pending', 'active', 'deleting')),
      records ${t.json} NOT NULL, options ${t.json} NOT NULL, created_by INTEGER NOT NULL REFERENCES users (id),
      is_active ${t.bool} NOT NULL DEFAULT ${t.true}, created_at ${t.ts} NOT NULL, updated_at ${t.ts} NOT NULL,
      deleted_at ${t.ts})`,
    `CREATE UNIQUE INDEX ux_resource_connections_source ON resource_connections (source_resource_id)
      WHERE is_active = ${t.true}`,
    `CREATE INDEX ix_resource_connections_target ON resource_connections (target_resource_id)`,
    `CREATE INDEX ix_resource_connections_zone ON resource_connections (zone_resource_id)`,
    `CREATE INDEX ix_resource_connections_environment ON resource_connections (environment_id, id)`,
  ];
}

/**
 * Seed the new permission flag into the stored roles, so `roles.permissions` keeps matching the
 * code (a database created before the flag lacks it; a fresh one already has it from 0001).
 */
async function addRegisterFlag(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const roles = await sql<{ id: unknown; code: string; permissions: unknown }>`SELECT id, code, permissions FROM roles ORDER BY id`.execute(db);
  for (const role of roles.rows) {
    const permissions = { ...(dialect.decodeJson(role.permissions) as Record<string, unknown>) };
    permissions.canRegisterResources = REGISTERING_ROLES.includes(role.code);
    await sql`UPDATE roles SET permissions = ${dialect.encodeJson(permissions)} WHERE id = ${role.id}`.execute(db);
  }
}

export async function up0003ResourceConnections(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  for (const statement of schemaStatements(dialect.ddl)) await sql.raw(statement).execute(db);
  await addRegisterFlag(db, dialect);
}
