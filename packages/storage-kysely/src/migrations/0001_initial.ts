import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { CLOUD_PROVIDERS, SEEDED_PLANS, SYSTEM_ROLES } from '@cloudlink/engine';
import type { DdlTypes, SqlDialect } from '../dialect.js';

/** The tables, indexes and constraints of the data model, one statement per entry. Never edit once shipped. */
function schemaStatements(t: DdlTypes): string[] {
  const stamps = `created_at ${t.ts} NOT NULL, updated_at ${t.ts} NOT NULL`;
  const seededStamps = `created_at ${t.ts} NOT NULL DEFAULT ${t.now}, updated_at ${t.ts} NOT NULL DEFAULT ${t.now}`;
  return [
    `CREATE TABLE users (id ${t.id}, email TEXT NOT NULL, name TEXT, ${stamps})`,
    `CREATE UNIQUE INDEX ux_users_email ON users (email)`,
    `CREATE TABLE plans (id ${t.id}, slug TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
      price ${t.money} NOT NULL, price_period TEXT NOT NULL CHECK (price_period IN ('month', 'year')),
      restrictions ${t.json} NOT NULL, features ${t.json} NOT NULL, is_active ${t.bool} NOT NULL DEFAULT ${t.true}, ${seededStamps})`,
    `CREATE UNIQUE INDEX ux_plans_slug ON plans (slug)`,
    `CREATE TABLE roles (id ${t.id}, code TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
      permissions ${t.json} NOT NULL, is_system_role ${t.bool} NOT NULL DEFAULT ${t.false},
      is_active ${t.bool} NOT NULL DEFAULT ${t.true}, display_order INTEGER NOT NULL DEFAULT 0, ${seededStamps})`,
    `CREATE UNIQUE INDEX ux_roles_code ON roles (code)`,
    `CREATE TABLE workspaces (id ${t.id}, name TEXT NOT NULL, slug TEXT NOT NULL, description TEXT,
      plan_id INTEGER NOT NULL REFERENCES plans (id), is_active ${t.bool} NOT NULL DEFAULT ${t.true},
      ${stamps}, deleted_at ${t.ts})`,
    `CREATE UNIQUE INDEX ux_workspaces_slug ON workspaces (slug)`,
    `CREATE TABLE workspace_members (id ${t.id}, workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
      user_id INTEGER NOT NULL REFERENCES users (id), role_id INTEGER NOT NULL REFERENCES roles (id),
      permissions ${t.json}, is_active ${t.bool} NOT NULL DEFAULT ${t.true}, joined_at ${t.ts} NOT NULL, ${stamps})`,
    `CREATE UNIQUE INDEX ux_workspace_members_user ON workspace_members (workspace_id, user_id)`,
    `CREATE INDEX ix_workspace_members_user ON workspace_members (user_id)`,
    `CREATE TABLE cloud_providers (id ${t.id}, name TEXT NOT NULL, display_name TEXT NOT NULL,
      is_active ${t.bool} NOT NULL DEFAULT ${t.true}, ${seededStamps})`,
    `CREATE UNIQUE INDEX ux_cloud_providers_name ON cloud_providers (name)`,
    `CREATE TABLE cloud_connections (id ${t.id}, workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
      cloud_provider_id INTEGER NOT NULL REFERENCES cloud_providers (id), created_by INTEGER NOT NULL REFERENCES users (id),
      account_id TEXT, account_name TEXT, region TEXT NOT NULL, role_arn TEXT, external_id TEXT, stack_name TEXT,
      connection_status TEXT NOT NULL DEFAULT 'pending'
        CONSTRAINT ck_cloud_connections_status CHECK (connection_status IN ('pending', 'connected', 'failed', 'disconnected')),
      connected_at ${t.ts}, failure_reason TEXT, secret_data TEXT, setup_token_hash CHAR(64),
      setup_token_expires_at ${t.ts}, setup_token_used_at ${t.ts}, is_active ${t.bool} NOT NULL DEFAULT ${t.true},
      ${stamps}, deleted_at ${t.ts})`,
    `CREATE UNIQUE INDEX ux_cloud_connections_account_name ON cloud_connections (workspace_id, account_name)
      WHERE is_active = ${t.true} AND account_name IS NOT NULL`,
    `CREATE UNIQUE INDEX ux_cloud_connections_setup_token_hash ON cloud_connections (setup_token_hash)
      WHERE setup_token_hash IS NOT NULL`,
    `CREATE INDEX ix_cloud_connections_workspace ON cloud_connections (workspace_id)`,
    `CREATE TABLE projects (id ${t.id}, workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
      user_id INTEGER NOT NULL REFERENCES users (id), name ${t.textBinary} NOT NULL, slug TEXT NOT NULL, description TEXT,
      is_default ${t.bool} NOT NULL DEFAULT ${t.false}, is_active ${t.bool} NOT NULL DEFAULT ${t.true},
      connected_cloud_id INTEGER REFERENCES cloud_connections (id), ${stamps}, deleted_at ${t.ts})`,
    `CREATE UNIQUE INDEX ux_projects_slug ON projects (slug)`,
    `CREATE INDEX ix_projects_workspace ON projects (workspace_id)`,
    `CREATE INDEX ix_projects_connected_cloud ON projects (connected_cloud_id)`,
    `CREATE TABLE environments (id ${t.id}, project_id INTEGER NOT NULL REFERENCES projects (id),
      name TEXT NOT NULL, slug TEXT NOT NULL, description TEXT, is_default ${t.bool} NOT NULL DEFAULT ${t.false},
      is_active ${t.bool} NOT NULL DEFAULT ${t.true}, ${stamps}, deleted_at ${t.ts})`,
    `CREATE UNIQUE INDEX ux_environments_slug ON environments (project_id, slug)`,
    `CREATE TABLE resources (id ${t.id}, workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
      project_id INTEGER NOT NULL REFERENCES projects (id), environment_id INTEGER NOT NULL REFERENCES environments (id),
      cloud_connection_id INTEGER REFERENCES cloud_connections (id), resource_type TEXT NOT NULL, resource_id TEXT,
      name TEXT NOT NULL, region TEXT, status TEXT NOT NULL, domain_name TEXT, metadata ${t.json} NOT NULL,
      secret_data TEXT, position_x ${t.real}, position_y ${t.real}, created_by INTEGER NOT NULL REFERENCES users (id),
      is_active ${t.bool} NOT NULL DEFAULT ${t.true}, ${stamps}, deleted_at ${t.ts})`,
    `CREATE UNIQUE INDEX ux_resources_dns_domain ON resources (environment_id, domain_name)
      WHERE is_active = ${t.true} AND resource_type = 'dns'`,
    `CREATE INDEX ix_resources_environment ON resources (environment_id)`,
    `CREATE INDEX ix_resources_project ON resources (project_id)`,
    `CREATE INDEX ix_resources_workspace ON resources (workspace_id)`,
    `CREATE TABLE dns_records (id ${t.id}, zone_resource_id INTEGER NOT NULL REFERENCES resources (id),
      name ${t.textBinary} NOT NULL, type ${t.textBinary} NOT NULL, ttl INTEGER, "values" ${t.json} NOT NULL,
      managed ${t.bool} NOT NULL DEFAULT ${t.false}, provider_ids ${t.json}, ${stamps})`,
    `CREATE UNIQUE INDEX ux_dns_records_set ON dns_records (zone_resource_id, name, type)`,
    `CREATE TABLE oidc_signing_keys (id ${t.id}, kid TEXT NOT NULL, alg TEXT NOT NULL, public_jwk ${t.json} NOT NULL,
      private_key TEXT NOT NULL, signing_from ${t.ts} NOT NULL, signing_until ${t.ts}, published_until ${t.ts}, ${stamps})`,
    `CREATE UNIQUE INDEX ux_oidc_signing_keys_kid ON oidc_signing_keys (kid)`,
  ];
}

/** Creates every table and seeds plans, roles and cloud providers with their fixed ids. */
export async function up0001Initial(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  for (const statement of schemaStatements(dialect.ddl)) {
    await sql.raw(statement).execute(db);
  }
  const bool = (b: boolean) => dialect.encodeBool(b);
  for (const p of SEEDED_PLANS) {
    await sql`INSERT INTO plans (id, slug, name, description, price, price_period, restrictions, features, is_active)
      VALUES (${p.id}, ${p.slug}, ${p.name}, ${p.description}, ${p.price}, ${p.pricePeriod},
        ${dialect.encodeJson(p.restrictions)}, ${dialect.encodeJson([])}, ${bool(true)})`.execute(db);
  }
  for (const [i, r] of SYSTEM_ROLES.entries()) {
    await sql`INSERT INTO roles (id, code, name, description, permissions, is_system_role, is_active, display_order)
      VALUES (${r.id}, ${r.code}, ${r.name}, ${r.description}, ${dialect.encodeJson(r.permissions)},
        ${bool(true)}, ${bool(true)}, ${i + 1})`.execute(db);
  }
  for (const c of CLOUD_PROVIDERS) {
    await sql`INSERT INTO cloud_providers (id, name, display_name, is_active)
      VALUES (${c.id}, ${c.name}, ${c.displayName}, ${bool(true)})`.execute(db);
  }
  if (dialect.name === 'postgres') {
    // Explicit ids do not advance identity sequences; move them past the seeded rows.
    for (const table of ['plans', 'roles', 'cloud_providers']) {
      await sql
        .raw(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`)
        .execute(db);
    }
  }
}
