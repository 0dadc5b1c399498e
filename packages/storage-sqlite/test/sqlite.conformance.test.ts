import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStorageConformance } from '@cloudlink/engine/testing';
import { createSqliteStorage } from '../src/index.js';

// A file in a temporary directory (WAL, the way the standalone server runs) …
describeStorageConformance({
  name: 'sqlite file',
  create: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloudlink-conformance-'));
    const storage = createSqliteStorage({ filename: join(dir, 'cloudlink.db') });
    return { storage, peek: storage.peek, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
});

// … and a private in-memory database.
describeStorageConformance({
  name: 'sqlite :memory:',
  create: async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    return { storage, peek: storage.peek, cleanup: async () => {} };
  },
});
