import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { beforeAll, expect } from 'vitest';
import { describeStorageConformance } from '@cloudlink/engine/testing';
import { TABLES } from '@cloudlink/storage-kysely';
import { migratedByScript } from '../../../test-support/emitted-migrations.js';
import { createSqliteStorage, emitSqliteMigrationSql } from '../src/index.js';

/**
 * The conformance suite under a table prefix, twice: migrated by `migrate()` and by the emitted
 * SQL. The file also holds the host's decoy tables under every cloudlink table name, each with one
 * row, and another cloudlink under another prefix: a statement that missed the prefix would land on
 * a decoy (or fail), and every test checks the decoys and the other namespace are untouched.
 */
const PREFIX = 'cl_';
let emitted: string;
beforeAll(async () => {
  emitted = await emitSqliteMigrationSql({ tablePrefix: PREFIX });
});

async function hostFile() {
  const dir = mkdtempSync(join(tmpdir(), 'cloudlink-prefix-'));
  const filename = join(dir, 'host.db');
  const host = new BetterSqlite3(filename);
  for (const table of TABLES) host.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, host_marker TEXT NOT NULL); INSERT INTO ${table} VALUES (1, 'host row of ${table}')`);
  const other = createSqliteStorage({ database: host, tablePrefix: 'other_' });
  await other.migrate();
  await other.users.createUser({ email: 'other@example.com', name: 'Other', now: new Date('2024-01-01T00:00:00.000Z') });
  await other.close();
  const cleanup = async () => {
    for (const table of TABLES) expect(host.prepare(`SELECT * FROM ${table}`).all(), table).toEqual([{ id: 1, host_marker: `host row of ${table}` }]);
    expect(host.prepare('SELECT email FROM other_users').all()).toEqual([{ email: 'other@example.com' }]);
    host.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { host, cleanup };
}

describeStorageConformance({
  name: `sqlite table prefix "${PREFIX}"`,
  create: async () => {
    const { host, cleanup } = await hostFile();
    const storage = createSqliteStorage({ database: host, tablePrefix: PREFIX });
    return { storage, peek: storage.peek, cleanup };
  },
});

describeStorageConformance({
  name: `sqlite table prefix "${PREFIX}" migrated by the emitted SQL`,
  create: async () => {
    const { host, cleanup } = await hostFile();
    // The host's tool: the whole script, in one transaction.
    host.exec(`BEGIN; ${emitted} COMMIT;`);
    const storage = createSqliteStorage({ database: host, tablePrefix: PREFIX });
    const recorded = () => (host.prepare(`SELECT name FROM ${PREFIX}cloudlink_migrations ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
    return { storage: migratedByScript(storage, recorded), peek: storage.peek, cleanup };
  },
});
