import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isStorageConflict, isZoneLockTimeout } from '@cloudlink/engine';
import type { StorageTx } from '@cloudlink/engine';
import { Kysely, SqliteDialect } from 'kysely';
import { createSqliteStorage, sqliteDialect } from '../src/index.js';
import type { SqliteStorage } from '../src/index.js';
import { exerciseAllRepositories } from '../../storage-kysely/test/roundtrip.js';
import { databaseAt0002, expectAuditAppendOnly, upgradeFrom0002 } from '../../storage-kysely/test/upgrade.js';

/** The four seeded plans, read through the storage: a query that needs no fixture. */
const seededPlans = async (repos: Pick<StorageTx, 'plans'>) => (await Promise.all([1, 2, 3, 4].map((id) => repos.plans.getPlanById(id)))).filter((p) => p !== null);

const now = new Date('2024-01-15T10:30:00.123Z');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmpFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cloudlink-sqlite-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'cloudlink.db');
}

async function open(filename = ':memory:'): Promise<SqliteStorage> {
  const storage = createSqliteStorage({ filename });
  cleanups.push(() => storage.close());
  await storage.migrate();
  return storage;
}

/** A user, a workspace on `planId` and a project with one environment. */
async function seed(storage: SqliteStorage, planId = 1) {
  const user = await storage.users.createUser({ email: 'Ada@Example.com', name: 'Ada', now });
  const workspace = await storage.workspaces.createWorkspace({ name: 'Acme', slug: 'acme', description: null, planId, now });
  const project = await storage.projects.createProject({
    workspaceId: workspace.id,
    userId: user.id,
    name: 'Web',
    slug: 'web',
    description: null,
    isDefault: true,
    now,
  });
  const environment = await storage.environments.createEnvironment({
    projectId: project.id,
    name: 'master',
    slug: 'master',
    description: null,
    isDefault: true,
    now,
  });
  return { user, workspace, project, environment };
}

describe('createSqliteStorage', () => {
  it('migrate() applies every migration once and is idempotent', async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    cleanups.push(() => storage.close());
    expect(await storage.health()).toEqual({ ok: false, reason: 'pending migrations: 0001_initial, 0002_write_intents, 0003_resource_connections, 0004_audit_log, 0005_connection_health, 0006_user_external_id, 0007_connection_auth_mode' });
    expect(await storage.migrate()).toEqual({ applied: ['0001_initial', '0002_write_intents', '0003_resource_connections', '0004_audit_log', '0005_connection_health', '0006_user_external_id', '0007_connection_auth_mode'] });
    expect(await storage.migrate()).toEqual({ applied: [] });
    expect(await storage.health()).toEqual({ ok: true });
    expect((await storage.peek.rows('cloudlink_migrations')).map((r) => r.name)).toEqual(['0001_initial', '0002_write_intents', '0003_resource_connections', '0004_audit_log', '0005_connection_health', '0006_user_external_id', '0007_connection_auth_mode']);
  });

  it('seeds plans, roles and cloud providers with their fixed ids', async () => {
    const storage = await open();
    const plans = await seededPlans(storage);
    expect(plans.map((p) => [p.id, p.slug, p.price])).toEqual([
      [1, 'free', 0],
      [2, 'starter', 9.99],
      [3, 'pro', 49.99],
      [4, 'ultimate', 199.99],
    ]);
    expect(plans[0]!.restrictions.max_cloud_connections).toBe(1);
    const roles = await storage.peek.rows('roles');
    expect(roles.map((r) => r.code)).toEqual(['owner', 'admin', 'dev', 'billing', 'viewer', 'member']);
    expect(JSON.parse(String(roles[0]!.permissions)).canManageWorkspace).toBe(true);
    expect((await storage.peek.rows('cloud_providers')).map((r) => [r.id, r.name])).toEqual([
      [1, 'aws'],
      [2, 'gcp'],
      [3, 'azure'],
    ]);
  });

  it('a file database (directory created) runs in WAL mode with foreign keys on', async () => {
    const filename = join(tmpFile(), '..', 'nested', 'dir', 'cloudlink.db');
    await open(filename);
    const raw = new BetterSqlite3(filename);
    cleanups.push(() => void raw.close());
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const storage = createSqliteStorage({ filename });
    cleanups.push(() => storage.close());
    // A member of a workspace that does not exist is refused by the foreign key.
    await expect(
      storage.members.addMember({ workspaceId: 999, userId: 999, role: 'owner', permissions: null, now }),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('stores rows in the documented raw forms and maps them back', async () => {
    const storage = await open();
    const { user, workspace } = await seed(storage);
    expect(user.email).toBe('ada@example.com');
    expect(await storage.users.getUserByEmail('ADA@example.COM')).toEqual(user);
    const [raw] = await storage.peek.rows('workspaces');
    expect(raw).toMatchObject({ slug: 'acme', is_active: 1, created_at: '2024-01-15T10:30:00.123Z', deleted_at: null });
    expect(await storage.workspaces.getWorkspaceBySlug('acme')).toEqual(workspace);
  });

  it('maps unique violations to StorageConflictError with the constraint name', async () => {
    const storage = await open();
    const { user, workspace } = await seed(storage);
    await expect(storage.users.createUser({ email: 'ada@example.com', name: null, now })).rejects.toSatisfy((e) =>
      isStorageConflict(e, 'users.email'),
    );
    const conn = { workspaceId: workspace.id, provider: 'aws' as const, createdBy: user.id, region: 'us-east-1', accountName: 'prod', now };
    const first = await storage.connections.createConnection(conn);
    await expect(storage.connections.createConnection(conn)).rejects.toSatisfy((e) =>
      isStorageConflict(e, 'cloud_connections.account_name'),
    );
    // The partial index only covers active rows: after a soft delete the name is free again.
    await storage.connections.softDeleteConnection(first.id, now);
    await expect(storage.connections.createConnection(conn)).resolves.toMatchObject({ accountName: 'prod', status: 'pending' });
  });

  it('a transaction that throws leaves nothing written', async () => {
    const storage = await open();
    const { user, workspace } = await seed(storage);
    await expect(
      storage.transaction(async (tx) => {
        await tx.lockWorkspace(workspace.id);
        await tx.connections.createConnection({ workspaceId: workspace.id, provider: 'gcp', createdBy: user.id, region: 'global', now });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await storage.peek.rows('cloud_connections')).toEqual([]);
  });

  it('serialises concurrent lock → count → insert transactions', async () => {
    const storage = await open();
    const { user, workspace } = await seed(storage);
    const attempt = (name: string) =>
      storage.transaction(async (tx) => {
        await tx.lockWorkspace(workspace.id);
        const count = await tx.connections.countConnectionsByStatus(workspace.id);
        if (count.pending >= 1) return false;
        // Only widens the race window: the one-winner result holds without it. A storage that
        // let the other transaction run between count and insert would get that chance here;
        // there is no waiter to observe (SQLite has no lock table; the other transaction waits
        // for Kysely's one connection), so this yield cannot be replaced by an event.
        await new Promise((r) => setTimeout(r, 10));
        await tx.connections.createConnection({ workspaceId: workspace.id, provider: 'aws', createdBy: user.id, region: 'us-east-1', accountName: name, now });
        return true;
      });
    const results = await Promise.all([attempt('a'), attempt('b')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await storage.peek.rows('cloud_connections')).toHaveLength(1);
  });

  it('claimSetupToken has exactly one winner and respects expiry', async () => {
    const storage = await open();
    const { user, workspace } = await seed(storage);
    const conn = await storage.connections.createConnection({
      workspaceId: workspace.id,
      provider: 'azure',
      createdBy: user.id,
      region: 'eastus',
      setupTokenHash: 'a'.repeat(64),
      setupTokenExpiresAt: new Date(now.getTime() + 60_000),
      now,
    });
    expect(await storage.connections.claimSetupToken(conn.id, new Date(now.getTime() + 120_000))).toBe(false);
    const results = await Promise.all([1, 2, 3].map(() => storage.connections.claimSetupToken(conn.id, now)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await storage.connections.getConnectionBySetupTokenHash('a'.repeat(64)))?.setupTokenUsedAt).toEqual(now);
  });

  it('withZoneLock serialises holders of one zone and times out waiters', async () => {
    const storage = await open();
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = storage.withZoneLock(7, async () => {
      order.push('first:start');
      await held;
      order.push('first:end');
    }, { timeoutMs: 1000 });
    const timedOut = storage.withZoneLock(7, async () => order.push('never'), { timeoutMs: 20 });
    await expect(timedOut).rejects.toSatisfy(isZoneLockTimeout);
    const second = storage.withZoneLock(7, async () => order.push('second'), { timeoutMs: 1000 });
    // Another zone is independent.
    await storage.withZoneLock(8, async () => order.push('other-zone'), { timeoutMs: 10 });
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first:start', 'other-zone', 'first:end', 'second']);
  });

  it('keeps an injected database open on close', async () => {
    const database = new BetterSqlite3(':memory:');
    cleanups.push(() => void database.close());
    const storage = createSqliteStorage({ database });
    await storage.migrate();
    await storage.close();
    expect(database.open).toBe(true);
    await expect(storage.users.getUserById(1)).rejects.toThrow(/closed/);
    expect(database.prepare('select count(*) as n from plans').get()).toEqual({ n: 4 });
  });
});

describe('repositories on SQLite', () => {
  it('round-trips every repository method', async () => {
    await exerciseAllRepositories(await open());
  });

  it('upgrades a database with rows from 0002_write_intents through 0004_audit_log', async () => {
    const filename = tmpFile();
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(filename) }) });
    const ids = await databaseAt0002(old, sqliteDialect);
    await old.destroy();
    const storage = createSqliteStorage({ filename });
    cleanups.push(() => storage.close());
    await upgradeFrom0002(storage, ids, () => storage.peek.rows('roles'));
    const again = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(filename) }) });
    try {
      await expectAuditAppendOnly(again);
    } finally {
      await again.destroy();
    }
  });
});

describe('hot reads outside Kysely (compiled queries run at once while no transaction is open)', () => {
  async function workspaceWithUser(storage: SqliteStorage) {
    const user = await storage.users.createUser({ email: 'reader@example.com', name: null, now });
    const workspace = await storage.workspaces.createWorkspace({ name: 'W', slug: 'w', description: null, planId: 1, now });
    return { user, workspace };
  }
  const listAll = (repos: Pick<StorageTx, 'connections'>, workspaceId: number) => repos.connections.listConnections(workspaceId, { includeInactive: true }, { limit: 10 });

  it('a read on the storage while a transaction is open waits for it and never sees its uncommitted rows', async () => {
    const storage = await open(tmpFile());
    const { user, workspace } = await workspaceWithUser(storage);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside: number[] = [];
    const tx = storage.transaction(async (t) => {
      await t.connections.createConnection({ workspaceId: workspace.id, provider: 'aws', createdBy: user.id, region: 'us-east-1', now });
      inside = (await listAll(t, workspace.id)).map((c) => c.id);
      await held;
    });
    // Let the transaction open and write.
    while (inside.length === 0) await new Promise((r) => setTimeout(r, 1));
    let outside: number[] | null = null;
    const read = listAll(storage, workspace.id).then((rows) => (outside = rows.map((c) => c.id)));
    await new Promise((r) => setTimeout(r, 20));
    expect(outside).toBeNull();
    release();
    await tx;
    await read;
    expect(outside).toEqual(inside);
    expect(inside).toHaveLength(1);
  });

  it('a rolled-back write is never seen by a read that came in during the transaction', async () => {
    const storage = await open(tmpFile());
    const { user, workspace } = await workspaceWithUser(storage);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let wrote = false;
    const tx = storage
      .transaction(async (t) => {
        await t.connections.createConnection({ workspaceId: workspace.id, provider: 'aws', createdBy: user.id, region: 'us-east-1', now });
        wrote = true;
        await held;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    while (!wrote) await new Promise((r) => setTimeout(r, 1));
    const read = listAll(storage, workspace.id);
    release();
    await tx;
    expect(await read).toEqual([]);
  });
});
