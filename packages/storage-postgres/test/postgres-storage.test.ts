import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStorageConflict, isZoneLockTimeout } from '@cloudlink/engine';
import type { StorageTx } from '@cloudlink/engine';
import { createTestDatabase } from '../../../test-support/postgres.js';
import { waitFor } from '../../../test-support/wait.js';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { Kysely, PostgresDialect } from 'kysely';
import { ZONE_LOCK_NAMESPACE, createPostgresStorage, postgresDialect } from '../src/index.js';
import type { PostgresStorage } from '../src/index.js';
import { exerciseAllRepositories } from '../../storage-kysely/test/roundtrip.js';
import { databaseAt0002, expectAuditAppendOnly, upgradeFrom0002 } from '../../storage-kysely/test/upgrade.js';

/** The four seeded plans, read through the storage: a query that needs no fixture. */
const seededPlans = async (repos: Pick<StorageTx, 'plans'>) => (await Promise.all([1, 2, 3, 4].map((id) => repos.plans.getPlanById(id)))).filter((p) => p !== null);

const now = new Date('2024-01-15T10:30:00.123Z');
let database: TestDatabase;
let a: PostgresStorage;
let b: PostgresStorage;
/** Connections of their own: one watches the others (pg_stat_activity), one may stand for another process. */
let observer: pg.Pool;

/** Sessions of this database blocked in a lock wait of `waitEvent` (`advisory`, `transactionid`, `tuple`…). */
async function sessionsWaitingOn(...waitEvents: string[]): Promise<number> {
  const { rows } = await observer.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = ANY($1)`,
    [waitEvents],
  );
  return rows[0]?.n ?? 0;
}

beforeAll(async () => {
  database = await createTestDatabase();
  // Two storages with separate pools stand for two app instances.
  a = createPostgresStorage({ connectionString: database.url });
  b = createPostgresStorage({ connectionString: database.url });
  observer = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await observer?.end();
  await a?.close();
  await b?.close();
  await database?.drop();
});

let counter = 0;
/** A fresh user + workspace (unique slugs per test, the database is shared by the file). */
async function seedWorkspace() {
  counter += 1;
  const user = await a.users.createUser({ email: `u${counter}@example.com`, name: null, now });
  const workspace = await a.workspaces.createWorkspace({ name: 'W', slug: `w-${counter}`, description: null, planId: 1, now });
  return { user, workspace };
}

describe('createPostgresStorage', () => {
  // Runs first: the database is empty until here.
  it('two instances migrating at once both succeed; the migration is applied exactly once', async () => {
    expect(await a.health()).toEqual({ ok: false, reason: 'pending migrations: 0001_initial, 0002_write_intents, 0003_resource_connections, 0004_audit_log, 0005_connection_health, 0006_user_external_id, 0007_connection_auth_mode' });
    const [ra, rb] = await Promise.all([a.migrate(), b.migrate()]);
    expect([...ra.applied, ...rb.applied]).toEqual(['0001_initial', '0002_write_intents', '0003_resource_connections', '0004_audit_log', '0005_connection_health', '0006_user_external_id', '0007_connection_auth_mode']);
    expect(await a.migrate()).toEqual({ applied: [] });
    expect(await b.health()).toEqual({ ok: true });
    expect((await a.peek.rows('cloudlink_migrations')).map((r) => r.name)).toEqual(['0001_initial', '0002_write_intents', '0003_resource_connections', '0004_audit_log', '0005_connection_health', '0006_user_external_id', '0007_connection_auth_mode']);
    expect((await seededPlans(a)).map((p) => [p.id, p.slug, p.price])).toEqual([
      [1, 'free', 0],
      [2, 'starter', 9.99],
      [3, 'pro', 49.99],
      [4, 'ultimate', 199.99],
    ]);
  });

  it('two instances inserting the same account name: exactly one wins, the other gets a conflict', async () => {
    const { user, workspace } = await seedWorkspace();
    const input = { workspaceId: workspace.id, provider: 'aws' as const, createdBy: user.id, region: 'us-east-1', accountName: 'prod', now };
    const results = await Promise.allSettled([a.connections.createConnection(input), b.connections.createConnection(input)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(isStorageConflict(rejected.reason, 'cloud_connections.account_name')).toBe(true);
  });

  it('lockWorkspace serialises count → insert against a limit of 1 across instances', async () => {
    const { user, workspace } = await seedWorkspace();
    let counted = 0;
    const attempt = (storage: PostgresStorage, name: string) =>
      storage.transaction(async (tx) => {
        await tx.lockWorkspace(workspace.id);
        const counts = await tx.connections.countConnectionsByStatus(workspace.id);
        if (counts.pending >= 1) return false;
        // The first to count holds the row lock until the other instance is seen blocked on it
        // (a row lock is waited on as the holder's transaction id, or the tuple behind it).
        // Without the lock the other never blocks: it counts 0 too, and this wait times out.
        if (++counted === 1) await waitFor(async () => (await sessionsWaitingOn('transactionid', 'tuple')) > 0, 'the other instance to wait on the workspace row lock', 5_000);
        await tx.connections.createConnection({ workspaceId: workspace.id, provider: 'gcp', createdBy: user.id, region: 'global', accountName: name, now });
        return true;
      });
    const results = await Promise.all([attempt(a, 'x'), attempt(b, 'y')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const rows = (await a.peek.rows('cloud_connections')).filter((r) => r.workspace_id === workspace.id);
    expect(rows).toHaveLength(1);
  });

  it('claimSetupToken raced by two instances: exactly one true', async () => {
    const { user, workspace } = await seedWorkspace();
    const hash = 'b'.repeat(63) + String(counter % 10);
    const conn = await a.connections.createConnection({
      workspaceId: workspace.id,
      provider: 'azure',
      createdBy: user.id,
      region: 'eastus',
      setupTokenHash: hash,
      setupTokenExpiresAt: new Date(now.getTime() + 60_000),
      now,
    });
    const results = await Promise.all([a, b, a, b].map((s) => s.connections.claimSetupToken(conn.id, now)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await b.connections.getConnectionBySetupTokenHash(hash))?.setupTokenUsedAt).toEqual(now);
  });

  it('two instances connecting one subdomain: the second waits on the first insert, then gets resource_connections.source', async () => {
    const { user, workspace } = await seedWorkspace();
    const project = await a.projects.createProject({ workspaceId: workspace.id, userId: user.id, name: 'P', slug: `p-${counter}`, description: null, isDefault: true, now });
    const environment = await a.environments.createEnvironment({ projectId: project.id, name: 'm', slug: 'm', description: null, isDefault: true, now });
    const base = { workspaceId: workspace.id, projectId: project.id, environmentId: environment.id, cloudConnectionId: null, resourceId: null, region: null, status: 'active', metadata: {}, secretData: null, positionX: null, positionY: null, createdBy: user.id, now };
    const zone = await a.resources.createResource({ ...base, resourceType: 'dns', name: 'example.com', domainName: 'example.com' });
    const sub = await a.resources.createResource({ ...base, resourceType: 'subdomain', name: 'www', domainName: 'www.example.com', parentResourceId: zone.id });
    const [one, two] = [
      await a.resources.createResource({ ...base, resourceType: 'instance', name: 'one', domainName: null }),
      await a.resources.createResource({ ...base, resourceType: 'instance', name: 'two', domainName: null }),
    ];
    const link = (target: number) => ({
      workspaceId: workspace.id, projectId: project.id, environmentId: environment.id, connectionType: 'dns', sourceResourceId: sub.id,
      targetResourceId: target, zoneResourceId: zone.id, status: 'pending' as const, records: [], options: {}, createdBy: user.id, now,
    });
    // Instance a inserts and holds its transaction open until instance b is seen waiting on the
    // partial unique index (a check-then-insert would not wait: it would see no active row and insert too).
    let second: Promise<unknown> = Promise.resolve();
    const first = await a.transaction(async (tx) => {
      const made = await tx.resourceConnections.createResourceConnection(link(one.id));
      second = b.resourceConnections.createResourceConnection(link(two.id)).then(
        () => null,
        (e: unknown) => e,
      );
      await waitFor(async () => (await sessionsWaitingOn('transactionid')) > 0, 'the other instance to wait on the source index', 5_000);
      return made;
    });
    expect(isStorageConflict(await second, 'resource_connections.source')).toBe(true);
    const rows = (await a.peek.rows('resource_connections')).filter((r) => r.source_resource_id === sub.id);
    expect(rows.map((r) => [r.id, r.target_resource_id])).toEqual([[first.id, one.id]]);
  });

  it('withZoneLock serialises holders across instances and times out waiters', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const isHeld = new Promise<void>((r) => (started = r));
    const first = a.withZoneLock(42, async () => {
      order.push('a:start');
      started();
      await held;
      order.push('a:end');
    }, { timeoutMs: 2000 });
    await isHeld;
    await expect(b.withZoneLock(42, async () => order.push('never'), { timeoutMs: 100 })).rejects.toSatisfy(isZoneLockTimeout);
    await b.withZoneLock(43, async () => order.push('b:other-zone'), { timeoutMs: 100 });
    // Both storages live in this process, so b queues in the process's zone queue (which it
    // joins synchronously, before release() below): the hand-over needs no wait. The wait in
    // pg_advisory_lock across processes is the next test's.
    const second = b.withZoneLock(42, async () => order.push('b:second'), { timeoutMs: 5000 });
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['a:start', 'b:other-zone', 'a:end', 'b:second']);
    // Released after a throw too.
    await expect(a.withZoneLock(42, async () => Promise.reject(new Error('boom')), { timeoutMs: 100 })).rejects.toThrow('boom');
    await expect(b.withZoneLock(42, async () => 'ok', { timeoutMs: 100 })).resolves.toBe('ok');
  });

  it('withZoneLock waits in pg_advisory_lock while another process holds the zone, and gets it once released', async () => {
    // A session of its own stands for another app instance (another process, so no shared queue).
    const other = await observer.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1, $2)', [ZONE_LOCK_NAMESPACE, 44]);
      let ran = false;
      const waiting = b.withZoneLock(44, async () => (ran = true), { timeoutMs: 10_000 });
      // Seen blocked in Postgres (a lock that did not exclude would have run instead and never wait).
      await waitFor(async () => (await sessionsWaitingOn('advisory')) > 0, 'b to wait on the zone advisory lock');
      expect(ran).toBe(false);
      await other.query('SELECT pg_advisory_unlock($1, $2)', [ZONE_LOCK_NAMESPACE, 44]);
      await waiting;
      expect(ran).toBe(true);
    } finally {
      other.release();
    }
  });

  it('more zones locked at once than the query pool has clients: the holders\' queries still run', async () => {
    // Query pool 2, six distinct zones held together; each holder queries (plain and in a
    // transaction) while all six hold their locks. Were the locks on query-pool clients, the first
    // two holders would take both clients and every query would wait forever.
    const storage = createPostgresStorage({ connectionString: database.url, max: 2, lockSessions: 6 });
    try {
      const zones = [101, 102, 103, 104, 105, 106];
      let entered = 0;
      let allIn!: () => void;
      const allHeld = new Promise<void>((r) => (allIn = r));
      const holders = zones.map((zone) =>
        storage.withZoneLock(zone, async () => {
          const plans = await seededPlans(storage);
          if (++entered === zones.length) allIn();
          await allHeld;
          const inTx = await storage.transaction(async (tx) => (await seededPlans(tx)).length);
          return [zone, plans.length, inTx];
        }, { timeoutMs: 5000 }),
      );
      const settled = await Promise.race([
        Promise.all(holders),
        new Promise<'hung'>((r) => setTimeout(() => r('hung'), 8000)),
      ]);
      expect(settled).toEqual(zones.map((zone) => [zone, 4, 4]));
    } finally {
      await storage.close();
    }
  });

  it('waiting for a free lock client is bounded by the timeout too', async () => {
    const storage = createPostgresStorage({ connectionString: database.url, max: 1, lockSessions: 1 });
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const isHeld = new Promise<void>((r) => (started = r));
      const first = storage.withZoneLock(201, async () => {
        started();
        await held;
        return seededPlans(storage);
      }, { timeoutMs: 2000 });
      await isHeld;
      // Another zone, but the only lock client is taken: a timeout, not a hang.
      await expect(storage.withZoneLock(202, async () => 'never', { timeoutMs: 100 })).rejects.toSatisfy(isZoneLockTimeout);
      const second = storage.withZoneLock(203, async () => (await seededPlans(storage)).length, { timeoutMs: 5000 });
      release();
      expect((await first).length).toBe(4);
      expect(await second).toBe(4);
    } finally {
      await storage.close();
    }
  });

  it('a transaction that throws leaves nothing written', async () => {
    const { user, workspace } = await seedWorkspace();
    await expect(
      a.transaction(async (tx) => {
        await tx.connections.createConnection({ workspaceId: workspace.id, provider: 'aws', createdBy: user.id, region: 'us-east-1', accountName: 'gone', now });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await a.peek.rows('cloud_connections')).filter((r) => r.workspace_id === workspace.id)).toEqual([]);
  });

  it('stores native types and maps them back', async () => {
    const { workspace } = await seedWorkspace();
    const raw = (await a.peek.rows('workspaces')).find((r) => r.id === workspace.id);
    expect(raw).toMatchObject({ is_active: true, created_at: now, deleted_at: null });
    expect(await b.workspaces.getWorkspaceBySlug(workspace.slug)).toEqual(workspace);
  });

  it('round-trips every repository method', async () => {
    const own = await createTestDatabase();
    const storage = createPostgresStorage({ connectionString: own.url });
    try {
      await storage.migrate();
      await exerciseAllRepositories(storage);
    } finally {
      await storage.close();
      await own.drop();
    }
  });

  it('upgrades a database with rows from 0002_write_intents through 0004_audit_log', async () => {
    const own = await createTestDatabase();
    const old = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: own.url, max: 1 }) }) });
    const storage = createPostgresStorage({ connectionString: own.url });
    try {
      const ids = await databaseAt0002(old, postgresDialect);
      await upgradeFrom0002(storage, ids, () => storage.peek.rows('roles'));
      await expectAuditAppendOnly(old);
    } finally {
      await old.destroy();
      await storage.close();
      await own.drop();
    }
  });

  it('leaves an injected pool open on close', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const storage = createPostgresStorage({ pool });
    expect(await storage.health()).toEqual({ ok: true });
    await storage.close();
    await expect(seededPlans(storage)).rejects.toThrow(/closed/);
    expect((await pool.query('SELECT count(*)::int AS n FROM plans')).rows[0]).toEqual({ n: 4 });
    await pool.end();
  });

  it('an injected pool that is not a pg.Pool needs a lockPool (locks never share the query pool)', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const lockPool = new pg.Pool({ connectionString: database.url, max: 1 });
    const bare = { connect: () => pool.connect(), end: async () => {} };
    expect(() => createPostgresStorage({ pool: bare })).toThrow(/lockPool/);
    const storage = createPostgresStorage({ pool: bare, lockPool });
    // The single query client stays free for the holder while the lock sits on lockPool.
    const n = await storage.withZoneLock(301, async () => (await seededPlans(storage)).length, { timeoutMs: 2000 });
    expect(n).toBe(4);
    await storage.close();
    expect((await lockPool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await pool.end();
    await lockPool.end();
  });
});

