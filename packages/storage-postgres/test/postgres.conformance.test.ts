import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { describeStorageConformance } from '@cloudlink/engine/testing';
import { createTestDatabase } from '../../../test-support/postgres.js';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { createPostgresStorage } from '../src/index.js';

// One randomly named database for the file, dropped in afterAll. Each test gets it back empty and
// un-migrated: recreating the public schema is far cheaper than a database per test.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('cloudlink_conf');
});
afterAll(async () => {
  await database?.drop();
});

async function resetSchema(): Promise<void> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  } finally {
    await client.end();
  }
}

describeStorageConformance({
  name: 'postgres',
  create: async () => {
    const storage = createPostgresStorage({ connectionString: database.url, max: 4 });
    return {
      storage,
      peek: storage.peek,
      cleanup: async () => {
        await storage.close();
        await resetSchema();
      },
    };
  },
});
