import { createRequire } from 'node:module';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '@cloudlink/storage-postgres';
import { createSqliteStorage, type SqliteDatabaseLike } from '@cloudlink/storage-sqlite';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { runCli as runCliInProcess } from '../src/cli.js';
import { runCli, testEnv } from './support/spawn-server.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

async function inProcess(args: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await runCliInProcess(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

describe('cloudlink migrations sql', { timeout: 120_000 }, () => {
  it('prints SQLite DDL under a table prefix that a host applies itself; the storage then has nothing to migrate', async () => {
    const r = await runCli(['migrations', 'sql', '--dialect', 'sqlite', '--table-prefix', 'cl_'], testEnv());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-- cloudlink migrations for sqlite, table prefix "cl_"/);
    // The server's own driver (its types are not a dependency of the server).
    const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as new (filename: string) => SqliteDatabaseLike;
    const file = new BetterSqlite3(':memory:');
    file.exec(r.stdout);
    const storage = createSqliteStorage({ database: file, tablePrefix: 'cl_' });
    expect(await storage.health()).toEqual({ ok: true });
    expect(await storage.migrate()).toEqual({ applied: [] });
    await storage.close();
  });

  it('prints Postgres DDL for CLOUDLINK_DATABASE_SCHEMA (or --schema), applied by plain pg', async () => {
    const db = await createTestDatabase('cloudlink_cli_sql');
    databases.push(db);
    const env = testEnv({ DATABASE_URL: db.url, CLOUDLINK_DATABASE_SCHEMA: 'cloudlink' });
    const r = await inProcess(['migrations', 'sql'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SET search_path TO "cloudlink";');
    expect((await inProcess(['migrations', 'sql', '--schema', 'other'], env)).stdout).toContain('SET search_path TO "other";');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(r.stdout).finally(() => client.end());
    const storage = createPostgresStorage({ connectionString: db.url, schema: 'cloudlink', max: 2 });
    try {
      expect(await storage.migrate()).toEqual({ applied: [] });
      expect((await storage.plans.getPlanBySlug('free'))?.id).toBe(1);
    } finally {
      await storage.close();
    }
    // The server's own migrate command agrees: nothing to apply in that schema.
    expect(JSON.parse((await inProcess(['migrate'], env)).stdout)).toEqual({ applied: [] });
  });

  it('answers --help, and refuses mismatched or malformed options naming them', async () => {
    const env = testEnv();
    const help = await inProcess(['migrations', 'sql', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cloudlink migrations sql/);
    expect((await inProcess(['--help'], env)).stdout).toContain('migrations sql');
    const cases: [string[], RegExp][] = [
      [['--dialect', 'sqlite', '--schema', 'x'], /^--schema is for --dialect postgres/],
      [['--dialect', 'postgres', '--table-prefix', 'x_'], /^--table-prefix is for --dialect sqlite/],
      [['--dialect', 'mysql'], /^--dialect must be postgres or sqlite/],
      [['--dialect', 'postgres', '--schema', 'Bad-Name'], /^--schema must be/],
      [['--dialect', 'sqlite', '--table-prefix', '9x'], /^--table-prefix must be/],
      [['--dialect', 'sqlite', '--from', 'nope'], /^--from must be one of 0001_initial/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(['migrations', 'sql', ...args], env);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(JSON.parse(r.stderr)).toEqual({ error: 'Invalid arguments', message: expect.stringMatching(message) });
    }
    const badEnv = await inProcess(['migrations', 'sql'], { ...env, CLOUDLINK_DATABASE_SCHEMA: 'cloudlink' });
    expect(JSON.parse(badEnv.stderr)).toMatchObject({ error: 'Invalid configuration', message: expect.stringContaining('CLOUDLINK_DATABASE_SCHEMA needs DATABASE_URL') });
    const badSchema = await inProcess(['migrations', 'sql'], { ...env, DATABASE_URL: 'postgres://db.invalid/x', CLOUDLINK_DATABASE_SCHEMA: 'Bad-Name' });
    expect(JSON.parse(badSchema.stderr)).toMatchObject({ error: 'Invalid configuration', message: expect.stringMatching(/^CLOUDLINK_DATABASE_SCHEMA must be 1-56 lower-case/) });
  });
});
