import pg from 'pg';
import { ensureBuilt } from '../examples/standalone-server/scripts/ensure-built.mjs';
import { adminUrl } from '../test-support/postgres.js';
import { ensureNativeDeps } from './native-deps.mjs';

/**
 * Fail the whole run at once, with a clear message, when the Postgres server is not reachable; make
 * better-sqlite3 load in the Node running the tests (a checkout installed under another Node keeps
 * that Node's build); and build the standalone server (and the packages it imports) when stale,
 * once, before any worker starts: the tests that spawn it run the built `dist/main.js`, as
 * production does.
 */
export default async function setup(): Promise<void> {
  ensureNativeDeps();
  await ensureBuilt();
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (e) {
    throw new Error(
      `Postgres is required by the tests and is not reachable at ${adminUrl()} (set DATABASE_URL): ${(e as Error).message}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}
