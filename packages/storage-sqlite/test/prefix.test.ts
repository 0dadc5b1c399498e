import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { TABLES, migrationTablesOf, migrationsFor, prefixNamespace } from '@cloudlink/storage-kysely';
import { createSqliteStorage, emitSqliteMigrationSql, sqliteDialect } from '../src/index.js';

const now = new Date('2024-01-15T10:30:00.000Z');

/** Every object of the file (its SQL with `prefix` taken out) and every cloudlink row but the seed stamps. */
function snapshot(db: BetterSqlite3.Database, prefix: string) {
  const objects = (db.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name LIKE ? ESCAPE '!' ORDER BY name`).all(`${prefix.replaceAll('_', '!_')}%`) as Record<string, string | null>[])
    .map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v?.replaceAll(prefix, 'P_') ?? null])));
  const rows = Object.fromEntries(
    TABLES.map((t) => [t, (db.prepare(`SELECT * FROM ${prefix}${t} ORDER BY id`).all() as Record<string, unknown>[]).map(({ created_at: _c, updated_at: _u, ...r }) => r)]),
  );
  const migrations = db.prepare(`SELECT name FROM ${prefix}cloudlink_migrations ORDER BY name`).all();
  return { objects, rows, migrations };
}

describe('SQLite table prefixes', () => {
  it('puts two cloudlinks and the host’s own users table in one file, each seeing only its own rows', async () => {
    const file = new BetterSqlite3(':memory:');
    file.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, login TEXT NOT NULL); INSERT INTO users (login) VALUES ('host-admin')`);
    const a = createSqliteStorage({ database: file, tablePrefix: 'a_' });
    const b = createSqliteStorage({ database: file, tablePrefix: 'b_' });
    await a.migrate();
    await b.migrate();
    const ua = await a.users.createUser({ email: 'same@example.com', name: 'In A', now });
    const ub = await b.users.createUser({ email: 'same@example.com', name: 'In B', now });
    const wa = await a.workspaces.createWorkspace({ name: 'Acme', slug: 'acme', description: null, planId: 1, now });
    await a.members.addMember({ workspaceId: wa.id, userId: ua.id, role: 'owner', permissions: null, now });
    expect((await a.scopes.workspaceScope(ua.id, 'acme')).member?.role).toBe('owner');
    expect((await b.scopes.workspaceScope(ub.id, 'acme')).workspace).toBeNull();
    expect((await a.projects.slugVacancy('web')).baseFree).toBe(true);
    expect((await a.peek.rows('users')).map((r) => r.name)).toEqual(['In A']);
    expect((await b.peek.rows('users')).map((r) => r.name)).toEqual(['In B']);
    expect(file.prepare('SELECT id, login FROM users').all()).toEqual([{ id: 1, login: 'host-admin' }]);
    const names = (file.prepare(`SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!'`).all() as { name: string }[]).map((r) => r.name);
    expect(names.filter((n) => !n.startsWith('a_') && !n.startsWith('b_'))).toEqual(['users']);
    await a.close();
    await b.close();
  });

  it('refuses a prefix that is not a plain lower-case identifier start', () => {
    for (const tablePrefix of ['', 'Cl_', '1cl_', 'cl-', 'cl"', 'x'.repeat(33)]) {
      expect(() => createSqliteStorage({ filename: ':memory:', tablePrefix }), tablePrefix).toThrow(/^tablePrefix must be/);
    }
  });

  it('emits SQL that builds what migrate() builds, from an empty database and from a given migration', async () => {
    const byMigrate = new BetterSqlite3(':memory:');
    const storage = createSqliteStorage({ database: byMigrate, tablePrefix: 'cl_' });
    await storage.migrate();
    await storage.close();

    const byScript = new BetterSqlite3(':memory:');
    byScript.exec(await emitSqliteMigrationSql({ tablePrefix: 'cl_' }));
    expect(snapshot(byScript, 'cl_')).toEqual(snapshot(byMigrate, 'cl_'));

    const upgraded = new BetterSqlite3(':memory:');
    const ns = prefixNamespace('cl_');
    const tables = migrationTablesOf(ns);
    const root = new Kysely<unknown>({ dialect: new SqliteDialect({ database: upgraded }) });
    const migrator = new Migrator({
      db: root,
      provider: { getMigrations: async () => migrationsFor(sqliteDialect, ns) },
      migrationTableName: tables.table,
      migrationLockTableName: tables.lockTable,
    });
    const { error } = await migrator.migrateTo('0004_audit_log');
    if (error) throw error;
    upgraded.exec(await emitSqliteMigrationSql({ tablePrefix: 'cl_', from: '0004_audit_log' }));
    expect(snapshot(upgraded, 'cl_')).toEqual(snapshot(byMigrate, 'cl_'));
    await expect(emitSqliteMigrationSql({ tablePrefix: 'cl_', from: '0001_initial' })).rejects.toThrow(/^migration 0003_resource_connections reads existing rows/);
  });
});
