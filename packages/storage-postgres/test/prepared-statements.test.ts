import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isStorageConflict } from '@cloudlink/engine';
import { createTestDatabase } from '../../../test-support/postgres.js';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { createPostgresStorage } from '../src/index.js';
import type { PostgresStorage } from '../src/index.js';
import { withPreparedStatements } from '../src/prepared-statements.js';
import type { PreparedStatementLimits } from '../src/prepared-statements.js';

const now = new Date('2024-01-15T10:30:00.123Z');
let database: TestDatabase;
/** Closed after each test: pools, storages, Kysely instances. */
let cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  database = await createTestDatabase('cloudlink_prep');
  const storage = createPostgresStorage({ connectionString: database.url, preparedStatements: false });
  await storage.migrate();
  await storage.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});
afterAll(async () => {
  await database?.drop();
});

/** A one-client pool, so the test can look at the very connection the queries ran on. */
function singleClientPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  cleanups.push(() => pool.end());
  return pool;
}

/** A storage on a one-client pool (naming on unless told), and that pool. */
function storageOnOneClient(preparedStatements = true): { storage: PostgresStorage; pool: pg.Pool } {
  const pool = singleClientPool();
  const storage = createPostgresStorage({ pool, preparedStatements });
  cleanups.unshift(() => storage.close());
  return { storage, pool };
}

/** Kysely over `pool` through the naming wrapper (without the storage around it). */
function namingDb(pool: pg.Pool, limits?: PreparedStatementLimits): Kysely<unknown> {
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: withPreparedStatements({ connect: () => pool.connect(), end: async () => {} }, limits) }),
  });
  cleanups.unshift(() => db.destroy());
  return db;
}

/** What the one client of `pool` holds: pg's record of parsed names, and Postgres' own list. */
async function preparedOn(pool: pg.Pool): Promise<{ pg: Record<string, string>; server: { name: string; statement: string }[] }> {
  const client = await pool.connect();
  try {
    const parsed = (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements;
    const { rows } = await client.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements ORDER BY name');
    return { pg: { ...parsed }, server: rows };
  } finally {
    client.release();
  }
}

let counter = 0;
async function seed(storage: PostgresStorage) {
  counter += 1;
  const user = await storage.users.createUser({ email: `p${counter}@example.com`, name: 'P', now });
  const workspace = await storage.workspaces.createWorkspace({ name: 'W', slug: `prep-${counter}`, description: null, planId: 1, now });
  await storage.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'owner', permissions: null, now });
  for (const accountName of ['a', 'b']) {
    await storage.connections.createConnection({ workspaceId: workspace.id, provider: 'aws', createdBy: user.id, region: 'us-east-1', accountName, now });
  }
  return { user, workspace };
}

describe('named prepared statements', () => {
  it('the storage names its queries, and they return the same rows as unnamed ones', async () => {
    const { storage: named, pool } = storageOnOneClient(true);
    const { storage: unnamed, pool: plainPool } = storageOnOneClient(false);
    const { user, workspace } = await seed(named);
    const reads = (s: PostgresStorage) =>
      Promise.all([
        s.users.getUserById(user.id),
        s.workspaces.getWorkspaceBySlug(workspace.slug),
        s.members.getMember(workspace.id, user.id),
        s.connections.listConnections(workspace.id, {}, { limit: 10 }),
        s.connections.countConnectionsByStatus(workspace.id),
        s.plans.getPlanBySlug('pro'),
        s.peek.rows('cloud_connections'),
      ]);
    const first = await reads(named);
    // Twice: the second round runs the statements already prepared (Bind/Execute only).
    expect(await reads(named)).toEqual(first);
    expect(await reads(unnamed)).toEqual(first);
    expect(first[0]).toEqual(user);
    expect(first[3]).toHaveLength(2);

    const prepared = await preparedOn(pool);
    expect(prepared.server.length).toBeGreaterThanOrEqual(7);
    expect(prepared.server.map((s) => s.name).sort()).toEqual(Object.keys(prepared.pg).sort());
    expect(prepared.server.some((s) => /from "users"/i.test(s.statement))).toBe(true);
    expect((await preparedOn(plainPool)).server).toEqual([]);
  });

  it('a statement that fails runs fine the next time (at parse, at execution, in a transaction, as a conflict)', async () => {
    const pool = singleClientPool();
    const db = namingDb(pool);
    // Fails when parsed: nothing is recorded, the same text parses again once the table exists.
    const selectMissing = () => sql<{ a: number }>`SELECT a FROM prep_later WHERE a = ${1}`.execute(db);
    await expect(selectMissing()).rejects.toMatchObject({ code: '42P01' });
    await sql`CREATE TABLE prep_later (a int)`.execute(db);
    await sql`INSERT INTO prep_later (a) VALUES (${1})`.execute(db);
    expect((await selectMissing()).rows).toEqual([{ a: 1 }]);
    await sql`DROP TABLE prep_later`.execute(db);

    // Fails when executed (parsed and kept): the prepared statement stays usable.
    const divide = (n: number) => sql<{ q: number }>`SELECT 10 / ${n}::int AS q`.execute(db);
    await expect(divide(0)).rejects.toMatchObject({ code: '22012' });
    expect((await divide(5)).rows).toEqual([{ q: 2 }]);

    // First parsed inside a transaction that fails and rolls back: prepared statements outlive it.
    const halve = (n: number) => sql<{ q: number }>`SELECT ${n}::int / 2 AS q`.execute(db);
    await expect(
      db.transaction().execute(async (trx) => {
        expect((await sql<{ q: number }>`SELECT ${8}::int / 2 AS q`.execute(trx)).rows).toEqual([{ q: 4 }]);
        await sql`SELECT 1 / ${0}::int`.execute(trx);
      }),
    ).rejects.toMatchObject({ code: '22012' });
    expect((await halve(6)).rows).toEqual([{ q: 3 }]);
    const prepared = await preparedOn(pool);
    expect(prepared.server.map((s) => s.name).sort()).toEqual(Object.keys(prepared.pg).sort());

    // Fails in pg before anything is sent back (a parameter it cannot serialise): pg closes the
    // statement on the server, so the name must not be trusted afterwards.
    const echo = (v: unknown) => sql<{ v: string }>`SELECT ${v}::text AS v`.execute(db);
    expect((await echo('a')).rows).toEqual([{ v: 'a' }]);
    const unserialisable = {
      toPostgres() {
        throw new Error('cannot serialise');
      },
    };
    await expect(echo(unserialisable)).rejects.toThrow('cannot serialise');
    // Next used inside a transaction, where a missing statement could not be retried.
    expect((await db.transaction().execute((trx) => sql<{ v: string }>`SELECT ${'b'}::text AS v`.execute(trx))).rows).toEqual([{ v: 'b' }]);
    expect((await echo('b')).rows).toEqual([{ v: 'b' }]);
    await expect(db.transaction().execute((trx) => sql`SELECT ${unserialisable}::text AS v`.execute(trx))).rejects.toThrow('cannot serialise');
    expect((await echo('c')).rows).toEqual([{ v: 'c' }]);
    const afterClose = await preparedOn(pool);
    expect(afterClose.server.map((s) => s.name).sort()).toEqual(
      Object.keys(afterClose.pg)
        .filter((name) => afterClose.server.some((s) => s.name === name))
        .sort(),
    );

    // Through the storage: a unique violation, then the same statement succeeds.
    const { storage } = storageOnOneClient(true);
    counter += 1;
    const input = { email: `dup${counter}@example.com`, name: null, now };
    await storage.users.createUser(input);
    await expect(storage.users.createUser(input)).rejects.toSatisfy((e) => isStorageConflict(e, 'users.email'));
    const next = await storage.users.createUser({ ...input, email: `dup${counter}b@example.com` });
    expect(await storage.users.getUserById(next.id)).toEqual(next);
  });

  it('distinct texts past the bound do not grow the connection\'s statements; many parameters are not named', async () => {
    const pool = singleClientPool();
    const db = namingDb(pool, { maxPerConnection: 16, maxParameters: 8 });
    for (let i = 0; i < 200; i++) {
      const { rows } = await sql<{ n: number }>`SELECT ${i}::int + ${sql.raw(String(i))} AS n`.execute(db);
      expect(rows).toEqual([{ n: 2 * i }]);
    }
    const prepared = await preparedOn(pool);
    expect(prepared.server.length).toBeGreaterThan(0);
    expect(prepared.server.length).toBeLessThanOrEqual(16);
    expect(Object.keys(prepared.pg).length).toBeLessThanOrEqual(16);
    expect(prepared.server.map((s) => s.name).sort()).toEqual(Object.keys(prepared.pg).sort());
    // The most recent text is among the kept ones.
    expect(prepared.server.some((s) => s.statement.includes('+ 199'))).toBe(true);

    // Inside a transaction nothing can be deallocated: past the bound, new texts run unnamed.
    const inTx = await db.transaction().execute((trx) =>
      Promise.all(Array.from({ length: 40 }, (_, i) => sql<{ n: number }>`SELECT ${i}::int - ${sql.raw(String(i))} AS n`.execute(trx))),
    );
    expect(inTx.map((r) => r.rows)).toEqual(Array.from({ length: 40 }, () => [{ n: 0 }]));
    const afterTx = await preparedOn(pool);
    expect(afterTx.server.length).toBeLessThanOrEqual(16);
    expect(afterTx.server.map((s) => s.name).sort()).toEqual(Object.keys(afterTx.pg).sort());

    // A text with more parameters than the bound runs unnamed.
    const many = Array.from({ length: 9 }, (_, i) => i);
    const { rows } = await sql<{ n: number[] }>`SELECT ARRAY[${sql.join(many.map((i) => sql`${i}::int`))}] AS n`.execute(db);
    expect(rows).toEqual([{ n: many }]);
    expect((await preparedOn(pool)).server.some((s) => s.statement.includes('ARRAY['))).toBe(false);
  });

  it('DDL after prepared queries: through the storage\'s pool, and from another session', async () => {
    const pool = singleClientPool();
    const db = namingDb(pool);
    await sql`CREATE TABLE prep_ddl (a int)`.execute(db);
    await sql`INSERT INTO prep_ddl (a) VALUES (${1})`.execute(db);
    const all = () => sql<Record<string, unknown>>`SELECT * FROM prep_ddl WHERE a >= ${0}`.execute(db);
    expect((await all()).rows).toEqual([{ a: 1 }]);

    // The result type changes under the prepared `SELECT *`; run through the same pool.
    await sql`ALTER TABLE prep_ddl ADD COLUMN b text`.execute(db);
    expect((await all()).rows).toEqual([{ a: 1, b: null }]);
    // Again inside a transaction (names were retired before it, nothing to fail on).
    await sql`ALTER TABLE prep_ddl ADD COLUMN c int`.execute(db);
    expect(await db.transaction().execute(async (trx) => (await sql`SELECT * FROM prep_ddl WHERE a >= ${0}`.execute(trx)).rows)).toEqual([
      { a: 1, b: null, c: null },
    ]);

    // From another session (another process migrating): seen as 0A000 and retried once, re-prepared.
    expect((await all()).rows).toEqual([{ a: 1, b: null, c: null }]);
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query('ALTER TABLE prep_ddl ADD COLUMN d int');
    } finally {
      await other.end();
    }
    expect((await all()).rows).toEqual([{ a: 1, b: null, c: null, d: null }]);

    // Inside a transaction the 0A000 cannot be retried (the transaction is aborted): that one
    // transaction fails, and the connection's next one re-prepares.
    const inTransaction = () => db.transaction().execute(async (trx) => (await sql`SELECT * FROM prep_ddl WHERE a >= ${0}`.execute(trx)).rows);
    expect(await inTransaction()).toEqual([{ a: 1, b: null, c: null, d: null }]);
    const another = new pg.Client({ connectionString: database.url });
    await another.connect();
    try {
      await another.query('ALTER TABLE prep_ddl ADD COLUMN e int');
    } finally {
      await another.end();
    }
    await expect(inTransaction()).rejects.toMatchObject({ code: '0A000' });
    expect(await inTransaction()).toEqual([{ a: 1, b: null, c: null, d: null, e: null }]);
    expect((await all()).rows).toEqual([{ a: 1, b: null, c: null, d: null, e: null }]);
    const prepared = await preparedOn(pool);
    expect(prepared.server.map((s) => s.name).sort()).toEqual(Object.keys(prepared.pg).sort());
  });

  it('migrating after queries on a fresh database, then querying again', async () => {
    const fresh = await createTestDatabase('cloudlink_prep');
    try {
      const storage = createPostgresStorage({ connectionString: fresh.url, max: 1 });
      try {
        expect((await storage.health()).ok).toBe(false);
        await storage.migrate();
        expect(await storage.health()).toEqual({ ok: true });
        const user = await storage.users.createUser({ email: 'm@example.com', name: null, now });
        expect(await storage.users.getUserById(user.id)).toEqual(user);
      } finally {
        await storage.close();
      }
    } finally {
      await fresh.drop();
    }
  });
});
