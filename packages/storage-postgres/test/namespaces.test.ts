import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, createSecretBox, isZoneLockTimeout, parseEncryptionKeys } from '@cloudlink/engine';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { ZONE_LOCK_NAMESPACE, createPostgresStorage, pgBossSchemaFor, zoneLockKey } from '../src/index.js';
import type { PostgresStorage } from '../src/index.js';
import { schemaNamespace } from '@cloudlink/storage-kysely';

/**
 * Two cloudlink schemas and the host's own `users` table in one database (docs/storage-namespaces.md):
 * each storage sees only its own rows, the host's table is never touched, and neither zone locks
 * nor prepared statements of one namespace reach the other.
 */
const now = new Date('2024-01-15T10:30:00.000Z');
let database: TestDatabase;
let host: pg.Pool;
let a: PostgresStorage;
let b: PostgresStorage;

beforeAll(async () => {
  database = await createTestDatabase('cloudlink_ns');
  host = new pg.Pool({ connectionString: database.url, max: 3 });
  // The host's own table, in public, with a name cloudlink also uses.
  await host.query(`CREATE TABLE users (id serial PRIMARY KEY, login text NOT NULL UNIQUE, email text)`);
  await host.query(`INSERT INTO users (login, email) VALUES ('host-admin', 'admin@host.example')`);
  a = createPostgresStorage({ connectionString: database.url, schema: 'cloudlink_a', max: 3 });
  b = createPostgresStorage({ connectionString: database.url, schema: 'cloudlink_b', max: 3 });
  await a.migrate();
  await b.migrate();
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await host?.end();
  await database?.drop();
});

const hostUsers = async () => (await host.query('SELECT id, login, email FROM public.users ORDER BY id')).rows;
const tablesIn = async (schema: string) =>
  (await host.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema])).rows.map((r) => r.table_name);

describe('Postgres schema namespaces', () => {
  it('creates each schema with every table and migration record in it, and nothing in public', async () => {
    expect(await tablesIn('public')).toEqual(['users']);
    for (const schema of ['cloudlink_a', 'cloudlink_b']) {
      expect(await tablesIn(schema)).toEqual(expect.arrayContaining(['users', 'workspaces', 'audit_log', 'cloudlink_migrations', 'cloudlink_migrations_lock']));
    }
    const functions = await host.query<{ nspname: string }>(
      `SELECT n.nspname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'cloudlink_audit_log_append_only' ORDER BY 1`,
    );
    expect(functions.rows.map((r) => r.nspname)).toEqual(['cloudlink_a', 'cloudlink_b']);
    expect(await a.health()).toEqual({ ok: true });
    expect(await a.migrate()).toEqual({ applied: [] });
  });

  it('keeps each engine to its own rows, and the host table untouched', async () => {
    const before = await hostUsers();
    const ua = await a.users.createUser({ email: 'same@example.com', name: 'In A', now });
    const ub = await b.users.createUser({ email: 'same@example.com', name: 'In B', now });
    // The same unique email in both: the constraints are per schema too.
    expect([ua.name, ub.name]).toEqual(['In A', 'In B']);
    const wa = await a.workspaces.createWorkspace({ name: 'Acme', slug: 'acme', description: null, planId: 1, now });
    await a.members.addMember({ workspaceId: wa.id, userId: ua.id, role: 'owner', permissions: null, now });
    const wb = await b.workspaces.createWorkspace({ name: 'Other', slug: 'other', description: null, planId: 2, now });
    await b.members.addMember({ workspaceId: wb.id, userId: ub.id, role: 'owner', permissions: null, now });

    expect((await a.members.listMembers(wa.id, { limit: 10 })).map((m) => m.user.name)).toEqual(['In A']);
    expect((await b.members.listMembers(wb.id, { limit: 10 })).map((m) => m.user.name)).toEqual(['In B']);
    expect(await a.workspaces.getWorkspaceBySlug('other')).toBeNull();
    expect(await b.workspaces.getWorkspaceBySlug('acme')).toBeNull();
    expect((await a.peek.rows('users')).map((r) => r.name)).toEqual(['In A']);
    expect((await b.peek.rows('users')).map((r) => r.name)).toEqual(['In B']);
    // The one-statement scope read (compiled once per storage) reads its own schema.
    expect((await a.scopes.workspaceScope(ua.id, 'acme')).member?.role).toBe('owner');
    expect((await b.scopes.workspaceScope(ub.id, 'acme')).workspace).toBeNull();
    await a.transaction(async (tx) => {
      await tx.lockWorkspace(wa.id);
      await tx.audit.appendAudit({ workspaceId: wa.id, actor: { kind: 'user', userId: ua.id }, operation: 'test.op', targets: {}, outcome: 'success', error: null, detail: {}, requestId: null, createdAt: now });
    });
    expect(await a.peek.rows('audit_log')).toHaveLength(1);
    expect(await b.peek.rows('audit_log')).toHaveLength(0);
    expect(await hostUsers()).toEqual(before);
  });

  it('runs one engine per schema: the same workspace slug in each, each engine listing only its own projects', async () => {
    const before = await hostUsers();
    const engineOn = (storage: PostgresStorage) =>
      createEngine({ storage, secrets: createSecretBox({ keys: parseEncryptionKeys(`k1:${Buffer.alloc(32, 5).toString('base64')}`) }), publicUrl: 'https://app.example.com' });
    const [ea, eb] = [engineOn(a), engineOn(b)];
    const sa = await ea.operator.seed({ workspace: 'shared', project: 'shop-a', environment: 'prod', email: 'owner-a@example.com', role: 'owner' });
    const sb = await eb.operator.seed({ workspace: 'shared', project: 'shop-b', environment: 'prod', email: 'owner-b@example.com', role: 'owner' });
    expect((await ea.workspaces.get({ userId: sa.user.id }, { workspaceSlug: 'shared' })).data.slug).toBe('shared');
    expect((await eb.workspaces.get({ userId: sb.user.id }, { workspaceSlug: 'shared' })).data.slug).toBe('shared');
    expect((await a.peek.rows('projects')).map((r) => r.slug)).toEqual(['shop-a']);
    expect((await b.peek.rows('projects')).map((r) => r.slug)).toEqual(['shop-b']);
    expect(await a.users.getUserByEmail('owner-b@example.com')).toBeNull();
    expect(await b.users.getUserByEmail('owner-a@example.com')).toBeNull();
    expect(await hostUsers()).toEqual(before);
  });

  it('holds zone locks per namespace: the same zone id in the other schema is not blocked', async () => {
    expect(zoneLockKey(schemaNamespace('cloudlink_a'))).not.toBe(zoneLockKey(schemaNamespace('cloudlink_b')));
    expect(zoneLockKey(schemaNamespace('cloudlink_a'))).not.toBe(ZONE_LOCK_NAMESPACE);
    const a2 = createPostgresStorage({ connectionString: database.url, schema: 'cloudlink_a', max: 2 });
    try {
      let release!: () => void;
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const held = a.withZoneLock(7, () => {
        entered();
        return new Promise<void>((r) => (release = r));
      }, { timeoutMs: 10_000 });
      await inside;
      // Another schema: zone 7 is another zone.
      expect(await b.withZoneLock(7, async () => 'b ran', { timeoutMs: 10_000 })).toBe('b ran');
      // Same schema, another instance: zone 7 is the held one.
      await expect(a2.withZoneLock(7, async () => 'a2 ran', { timeoutMs: 200 })).rejects.toSatisfy(isZoneLockTimeout);
      release();
      await held;
      expect(await a2.withZoneLock(7, async () => 'a2 ran', { timeoutMs: 10_000 })).toBe('a2 ran');
    } finally {
      await a2.close();
    }
  });

  it('shares one pool between two schemas without mixing their prepared statements', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const lockPool = new pg.Pool({ connectionString: database.url, max: 1 });
    const pa = createPostgresStorage({ pool, lockPool, schema: 'cloudlink_a' });
    const pb = createPostgresStorage({ pool, lockPool, schema: 'cloudlink_b' });
    try {
      // One connection: every statement of both storages is prepared on it.
      for (let i = 0; i < 3; i++) {
        expect((await pa.users.getUserByEmail('same@example.com'))?.name).toBe('In A');
        expect((await pb.users.getUserByEmail('same@example.com'))?.name).toBe('In B');
        expect((await pa.workspaces.getWorkspaceBySlug('acme'))?.slug).toBe('acme');
        expect(await pb.workspaces.getWorkspaceBySlug('acme')).toBeNull();
      }
      const client = await pool.connect();
      try {
        const { rows } = await client.query<{ name: string; statement: string }>(`SELECT name, statement FROM pg_prepared_statements`);
        const ofUsers = rows.filter((r) => r.statement.includes('"users"') && r.statement.includes('"email" ='));
        expect(ofUsers.map((r) => /"cloudlink_[ab]"/.exec(r.statement)?.[0]).sort()).toEqual(['"cloudlink_a"', '"cloudlink_b"']);
        expect(new Set(ofUsers.map((r) => r.name)).size).toBe(2);
      } finally {
        client.release();
      }
      // DDL run through one storage's pool retires only that storage's names; the other's still serve.
      await pa.migrate();
      expect((await pb.users.getUserByEmail('same@example.com'))?.name).toBe('In B');
      expect((await pa.users.getUserByEmail('same@example.com'))?.name).toBe('In A');
    } finally {
      await pa.close();
      await pb.close();
      await pool.end();
      await lockPool.end();
    }
  });

  it('refuses a schema name that is not a plain lower-case identifier', () => {
    for (const schema of ['', 'Cloudlink', 'cl-link', '1cl', 'pg_cloudlink', 'a"b', 'x'.repeat(57)]) {
      expect(() => createPostgresStorage({ connectionString: database.url, schema }), schema).toThrow(/^schema must be/);
    }
    expect(pgBossSchemaFor()).toBe('pgboss');
    expect(pgBossSchemaFor('cloudlink')).toBe('cloudlink_pgboss');
    expect(() => pgBossSchemaFor('Bad')).toThrow(/^schema must be/);
  });
});
