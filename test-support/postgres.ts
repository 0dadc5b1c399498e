import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Throwaway Postgres databases for tests. The server is `DATABASE_URL` (default
 * postgres://postgres@127.0.0.1:5432/postgres); each call creates a randomly named database and
 * `drop()` removes it. An unreachable server fails loudly: Postgres tests never skip silently.
 */
export function adminUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'cloudlink_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        // pg's Pool.end() resolves once it has asked its clients to close, not once they have:
        // FORCE would then kill a closing connection, and its FATAL reaches a pool that may have no
        // 'error' listener left (an uncaught exception in whatever test runs next). Give sessions
        // that are already leaving a moment to go; FORCE ends only what a test really left open.
        for (let i = 0; i < 40; i++) {
          const { rows } = await c.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (Number(rows[0]?.n ?? 0) === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
