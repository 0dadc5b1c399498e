import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { spawnServer, testEnv, type SpawnedServer } from './support/spawn-server.js';

/** The pg-boss queues a server registered in its database (none when the schema is absent). */
async function queues(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const schema = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'pgboss' AND table_name = 'queue'`);
    if (schema.rowCount === 0) return [];
    return (await client.query<{ name: string }>('SELECT name FROM pgboss.queue ORDER BY name')).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

const dbs: TestDatabase[] = [];
const servers: SpawnedServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(dbs.map((d) => d.drop()));
});

describe('the standalone server runs the connection health scheduler', { timeout: 60_000 }, () => {
  it('on Postgres through pg-boss in the same database; not with CLOUDLINK_VERIFY=off', async () => {
    const [on, off] = await Promise.all([createTestDatabase('cloudlink_verify_on'), createTestDatabase('cloudlink_verify_off')]);
    dbs.push(on, off);
    servers.push(...(await Promise.all([spawnServer(testEnv({ DATABASE_URL: on.url })), spawnServer(testEnv({ DATABASE_URL: off.url, CLOUDLINK_VERIFY: 'off' }))])));
    expect(await queues(on.url)).toEqual(['cloudlink-verify-connection', 'cloudlink-verify-sweep']);
    expect(await queues(off.url)).toEqual([]);
  });
});
