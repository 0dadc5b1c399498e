import { Migrator, sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import { expect } from 'vitest';
import { SYSTEM_ROLES } from '@cloudlink/engine';
import type { Storage } from '@cloudlink/engine';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrationsFor } from '../src/migrator.js';
import type { SqlDialect } from '../src/dialect.js';

const now = new Date('2024-01-15T10:30:00.123Z');
const later = new Date('2024-01-15T11:00:00.000Z');

/**
 * A database as release 0002 left it, with rows in it: migrated up to `0002_write_intents` only
 * (through the same migrator and tables the storage uses), roles as 0002 seeded them (without
 * `canRegisterResources`, `canIssueCredentials` and `canViewAuditLog`, which did not exist yet), and a workspace with a zone and a host
 * resource. Rows are written in SQL: the repositories speak the current schema. Returns the ids.
 */
export async function databaseAt0002(db: Kysely<unknown>, d: SqlDialect) {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrationsFor(d) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const { error } = await migrator.migrateTo('0002_write_intents');
  if (error) throw error;
  for (const role of SYSTEM_ROLES) {
    const { canRegisterResources: _0003, canIssueCredentials: _0004a, canViewAuditLog: _0004b, ...old } = role.permissions;
    await sql`UPDATE roles SET permissions = ${d.encodeJson(old)} WHERE id = ${role.id}`.execute(db);
  }
  const at = d.encodeDate(now);
  const id = async (query: RawBuilder<{ id: unknown }>) => Number((await query.execute(db)).rows[0]!.id);
  const user = await id(sql`INSERT INTO users (email, name, created_at, updated_at) VALUES ('old@example.com', NULL, ${at}, ${at}) RETURNING id`);
  const workspace = await id(sql`INSERT INTO workspaces (name, slug, plan_id, is_active, created_at, updated_at)
    VALUES ('Old', 'old', 1, ${d.encodeBool(true)}, ${at}, ${at}) RETURNING id`);
  const project = await id(sql`INSERT INTO projects (workspace_id, user_id, name, slug, is_default, is_active, created_at, updated_at)
    VALUES (${workspace}, ${user}, 'Web', 'web', ${d.encodeBool(true)}, ${d.encodeBool(true)}, ${at}, ${at}) RETURNING id`);
  const environment = await id(sql`INSERT INTO environments (project_id, name, slug, is_default, is_active, created_at, updated_at)
    VALUES (${project}, 'master', 'master', ${d.encodeBool(true)}, ${d.encodeBool(true)}, ${at}, ${at}) RETURNING id`);
  const resource = (type: string, name: string, domainName: string | null) =>
    id(sql`INSERT INTO resources (workspace_id, project_id, environment_id, resource_type, name, status, domain_name, metadata, created_by, is_active, created_at, updated_at)
      VALUES (${workspace}, ${project}, ${environment}, ${type}, ${name}, 'active', ${domainName}, ${d.encodeJson({})}, ${user}, ${d.encodeBool(true)}, ${at}, ${at}) RETURNING id`);
  const zone = await resource('dns', 'example.com', 'example.com');
  const instance = await resource('instance', 'web-1', null);
  return { user, workspace, project, environment, zone, instance };
}

/**
 * Migrate a database left by {@link databaseAt0002} through `storage`: only 0003 and 0004 run, the old rows
 * read back (no parent), roles match the code again, and subdomains and connections work.
 */
export async function upgradeFrom0002(storage: Storage, old: Awaited<ReturnType<typeof databaseAt0002>>, roles: () => Promise<Record<string, unknown>[]>) {
  expect(await storage.health()).toEqual({ ok: false, reason: 'pending migrations: 0003_resource_connections, 0004_audit_log, 0005_connection_health, 0006_user_external_id, 0007_connection_auth_mode' });
  expect(await storage.migrate()).toEqual({ applied: ['0003_resource_connections', '0004_audit_log', '0005_connection_health', '0006_user_external_id', '0007_connection_auth_mode'] });
  expect(await storage.health()).toEqual({ ok: true });

  const stored = await roles();
  expect(stored.map((r) => [r.code, typeof r.permissions === 'string' ? JSON.parse(r.permissions) : r.permissions])).toEqual(
    SYSTEM_ROLES.map((r) => [r.code, r.permissions]),
  );
  for (const flag of ['canRegisterResources', 'canIssueCredentials', 'canViewAuditLog'] as const) {
    expect(SYSTEM_ROLES.filter((r) => r.permissions[flag]).map((r) => r.code)).toEqual(['owner', 'admin']);
  }

  const scope = { projectId: old.project, environmentId: old.environment };
  const zone = await storage.resources.getResource(scope, old.zone);
  expect(zone).toMatchObject({ resourceType: 'dns', domainName: 'example.com', parentResourceId: null, createdAt: now });
  const base = {
    workspaceId: old.workspace, projectId: old.project, environmentId: old.environment, cloudConnectionId: null, resourceId: null,
    region: null, status: 'active', metadata: {}, secretData: null, positionX: null, positionY: null, createdBy: old.user, now: later,
  };
  const www = await storage.resources.createResource({ ...base, resourceType: 'subdomain', name: 'www', domainName: 'www.example.com', parentResourceId: old.zone });
  const link = await storage.resourceConnections.createResourceConnection({
    workspaceId: old.workspace, projectId: old.project, environmentId: old.environment, connectionType: 'dns', sourceResourceId: www.id,
    targetResourceId: old.instance, zoneResourceId: old.zone, status: 'active', records: [], options: {}, createdBy: old.user, now: later,
  });
  expect((await storage.resourceConnections.listConnectionsOfResource(old.instance)).map((c) => c.id)).toEqual([link.id]);
  expect(await storage.resources.countResourcesByType(old.environment)).toEqual({ dns: 1, instance: 1, subdomain: 1 });
  const entry = await storage.audit.appendAudit({
    workspaceId: old.workspace, actor: { kind: 'user', userId: old.user }, operation: 'resourceConnections.create',
    targets: { resourceConnectionId: link.id }, outcome: 'success', error: null, detail: {}, requestId: null, createdAt: later,
  });
  expect(await storage.audit.listAudit(old.workspace, {}, { limit: 10 })).toEqual([entry]);
  // 0006: users from before have no external id; a provisioned one is found by its id in the scope query.
  expect(await storage.users.getUserById(old.user)).toMatchObject({ email: 'old@example.com', externalId: null });
  const provisioned = await storage.users.createUser({ email: 'new@example.com', name: null, externalId: 'idp|new', now: later });
  expect((await storage.scopes.workspaceScope({ externalId: 'idp|new' }, 'old')).user?.id).toBe(provisioned.id);
  expect(await storage.migrate()).toEqual({ applied: [] });
}

/** The audit log refuses UPDATE and DELETE in the database itself (migration 0004's triggers), whoever issues them. */
export async function expectAuditAppendOnly(db: Kysely<unknown>): Promise<void> {
  const before = (await sql<{ n: unknown }>`SELECT count(*) AS n FROM audit_log`.execute(db)).rows[0]!.n;
  expect(Number(before)).toBeGreaterThan(0);
  await expect(sql`UPDATE audit_log SET operation = 'forged'`.execute(db)).rejects.toThrow(/append-only/);
  await expect(sql`DELETE FROM audit_log`.execute(db)).rejects.toThrow(/append-only/);
  const after = await sql<{ n: unknown; forged: unknown }>`SELECT count(*) AS n, sum(CASE WHEN operation = 'forged' THEN 1 ELSE 0 END) AS forged FROM audit_log`.execute(db);
  expect([Number(after.rows[0]!.n), Number(after.rows[0]!.forged ?? 0)]).toEqual([Number(before), 0]);
}
