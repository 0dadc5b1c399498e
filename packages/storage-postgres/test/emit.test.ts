import pg from 'pg';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_NAMES, TABLES, migrationTablesOf, migrationsFor, schemaNamespace } from '@cloudlink/storage-kysely';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { createPostgresStorage, emitPostgresMigrationSql, postgresDialect } from '../src/index.js';

/**
 * The emitted SQL builds exactly what `migrate()` builds (columns, indexes, constraints, triggers,
 * seeded rows, migration records), from an empty database and from a given migration on.
 */
let database: TestDatabase;
let admin: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase('cloudlink_emit');
  admin = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await admin?.end();
  await database?.drop();
});

/** Everything `migrate()` defines in `schema`, with the schema's own name taken out so two schemas compare. */
async function snapshot(schema: string) {
  const q = async (text: string) => JSON.parse(JSON.stringify((await admin.query(text, [schema])).rows).replaceAll(`${schema}.`, 'S.'));
  const rows: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const result = await admin.query(`SELECT * FROM "${schema}"."${table}" ORDER BY id`);
    // Seeded rows are stamped with now() when they are written.
    rows[table] = result.rows.map(({ created_at: _c, updated_at: _u, ...rest }) => rest);
  }
  return {
    columns: await q(`SELECT table_name, column_name, data_type, is_nullable, column_default, collation_name, is_identity
      FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`),
    indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`),
    constraints: await q(`SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE connamespace = $1::regnamespace ORDER BY conname`),
    triggers: await q(`SELECT event_object_table, trigger_name, event_manipulation, action_timing, action_statement
      FROM information_schema.triggers WHERE trigger_schema = $1 ORDER BY trigger_name, event_manipulation`),
    migrations: (await admin.query(`SELECT name FROM "${schema}".cloudlink_migrations ORDER BY name`)).rows,
    locks: (await admin.query(`SELECT * FROM "${schema}".cloudlink_migrations_lock`)).rows,
    rows,
  };
}

async function migrated(schema: string): Promise<void> {
  const storage = createPostgresStorage({ connectionString: database.url, schema, max: 2 });
  await storage.migrate();
  await storage.close();
}

async function apply(script: string): Promise<void> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(script);
  } finally {
    await client.end();
  }
}

describe('emitPostgresMigrationSql', () => {
  it('builds what migrate() builds, from an empty database', async () => {
    await migrated('by_migrate');
    const script = await emitPostgresMigrationSql({ schema: 'by_script' });
    await apply(script);
    expect(await snapshot('by_script')).toEqual(await snapshot('by_migrate'));
    const storage = createPostgresStorage({ connectionString: database.url, schema: 'by_script', max: 2 });
    try {
      expect(await storage.health()).toEqual({ ok: true });
      expect(await storage.migrate()).toEqual({ applied: [] });
    } finally {
      await storage.close();
    }
    // Applying it twice fails (the tables exist) rather than recording the migrations twice.
    await expect(apply(script)).rejects.toThrow(/already exists/);
  });

  it('emits the migrations after `from` for a database already at `from`', async () => {
    const ns = schemaNamespace('upgraded');
    const root = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }) });
    try {
      const tables = migrationTablesOf(ns);
      const migrator = new Migrator({
        db: root,
        provider: { getMigrations: async () => migrationsFor(postgresDialect, ns) },
        migrationTableName: tables.table,
        migrationLockTableName: tables.lockTable,
        migrationTableSchema: tables.schema!,
      });
      const { error } = await migrator.migrateTo('0004_audit_log');
      if (error) throw error;
    } finally {
      await root.destroy();
    }
    const script = await emitPostgresMigrationSql({ schema: 'upgraded', from: '0004_audit_log' });
    expect(script).not.toContain('-- 0004_audit_log');
    expect(script).toContain(`-- ${MIGRATION_NAMES.at(-1)}`);
    await apply(script);
    expect(await snapshot('upgraded')).toEqual(await snapshot('by_migrate'));
  });

  it('refuses to emit, for a database with data, a migration that decides its writes from rows it reads', async () => {
    await expect(emitPostgresMigrationSql({ schema: 'x', from: '0002_write_intents' })).rejects.toThrow(
      /^migration 0003_resource_connections reads existing rows/,
    );
    await expect(emitPostgresMigrationSql({ from: 'nope' })).rejects.toThrow(/^from must be one of 0001_initial, /);
    await expect(emitPostgresMigrationSql({ schema: 'Bad' })).rejects.toThrow(/^schema must be/);
  });

  it('writes unqualified names in the default namespace, as migrate() does', async () => {
    const script = await emitPostgresMigrationSql();
    expect(script).not.toMatch(/search_path|create schema/i);
    const fresh = await createTestDatabase('cloudlink_emit_default');
    try {
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      await client.query(script).finally(() => client.end());
      const storage = createPostgresStorage({ connectionString: fresh.url, max: 2 });
      try {
        expect(await storage.migrate()).toEqual({ applied: [] });
        expect((await storage.plans.getPlanBySlug('pro'))?.id).toBe(3);
      } finally {
        await storage.close();
      }
    } finally {
      await fresh.drop();
    }
  });
});
