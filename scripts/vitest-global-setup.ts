import pg from 'pg';
import { adminUrl } from '../test-support/postgres.js';

/** Fail the whole run at once, with a clear message, when the Postgres server is not reachable. */
export default async function setup(): Promise<void> {
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
