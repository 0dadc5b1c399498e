import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { describeStorageConformance } from '@cloudlink/engine/testing';
import { TABLES } from '@cloudlink/storage-kysely';
import { createTestDatabase } from '../../../test-support/postgres.js';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { migratedByScript } from '../../../test-support/emitted-migrations.js';
import { createPostgresStorage, emitPostgresMigrationSql } from '../src/index.js';

/**
 * The conformance suite in a non-default schema, twice: migrated by `migrate()`, and migrated by
 * the emitted SQL applied with plain `pg` (as a host's own migration tool would). `public` holds a
 * decoy table under every cloudlink table name, each with one row: a statement that missed the
 * schema would land on one of them (or fail), and every test checks they are untouched.
 */
const SCHEMA = 'cloudlink';
let database: TestDatabase;
let admin: pg.Pool;
let emitted: string;

beforeAll(async () => {
  database = await createTestDatabase('cloudlink_schema_conf');
  admin = new pg.Pool({ connectionString: database.url, max: 2 });
  for (const table of TABLES) {
    await admin.query(`CREATE TABLE public.${table} (id integer PRIMARY KEY, host_marker text NOT NULL)`);
    await admin.query(`INSERT INTO public.${table} VALUES (1, 'host row of ${table}')`);
  }
  emitted = await emitPostgresMigrationSql({ schema: SCHEMA });
});
afterAll(async () => {
  await admin?.end();
  await database?.drop();
});

async function expectDecoysUntouched(): Promise<void> {
  for (const table of TABLES) {
    const { rows } = await admin.query(`SELECT * FROM public.${table}`);
    expect(rows, `public.${table}`).toEqual([{ id: 1, host_marker: `host row of ${table}` }]);
  }
}

async function cleanup(): Promise<void> {
  await expectDecoysUntouched();
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
}

describeStorageConformance({
  name: `postgres schema "${SCHEMA}"`,
  create: async () => {
    const storage = createPostgresStorage({ connectionString: database.url, schema: SCHEMA, max: 4 });
    return { storage, peek: storage.peek, cleanup };
  },
});

describeStorageConformance({
  name: `postgres schema "${SCHEMA}" migrated by the emitted SQL`,
  create: async () => {
    // The host's tool: one plain session, the whole script in one transaction (psql -1 -f).
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`BEGIN; ${emitted}; COMMIT;`);
    } finally {
      await client.end();
    }
    const storage = createPostgresStorage({ connectionString: database.url, schema: SCHEMA, max: 4 });
    const recorded = async () => (await admin.query<{ name: string }>(`SELECT name FROM ${SCHEMA}.cloudlink_migrations ORDER BY name`)).rows.map((r) => r.name);
    return { storage: migratedByScript(storage, recorded), peek: storage.peek, cleanup };
  },
});
