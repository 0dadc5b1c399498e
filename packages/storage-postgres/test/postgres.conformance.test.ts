import { afterAll } from 'vitest';
import { describeStorageConformance } from '@cloudlink/engine/conformance';
import { createTestDatabase } from '../../../test-support/postgres.js';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { createPostgresStorage } from '../src/index.js';

// Every test gets its own randomly named database; any the suite did not clean up go in afterAll.
const open = new Set<TestDatabase>();
afterAll(async () => {
  for (const database of open) await database.drop();
});

describeStorageConformance({
  name: 'postgres',
  create: async () => {
    const database = await createTestDatabase('cloudlink_conf');
    open.add(database);
    const storage = createPostgresStorage({ connectionString: database.url, max: 4 });
    return {
      storage,
      peek: storage.peek,
      cleanup: async () => {
        await storage.close();
        await database.drop();
        open.delete(database);
      },
    };
  },
});
