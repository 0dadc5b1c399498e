import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPostgresStorage, createSqliteStorage, type Storage } from '../../examples/standalone-server/bench/deps.js';
import { createTestDatabase } from '../../test-support/postgres.js';
import type { BenchRow } from './measure.js';

/** `count` sequential user inserts (one transaction each, as the services write); inserts per second. */
async function writes(storage: Storage, count: number, prefix: string): Promise<number> {
  await storage.migrate();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    await storage.transaction((tx) => tx.users.createUser({ email: `${prefix}-${i}@bench.example`, name: null, now: new Date() }));
  }
  return (count * 1000) / (performance.now() - start);
}

/** Storage writes on Postgres (a fresh database on DATABASE_URL) against SQLite (a WAL file). */
export async function benchStorageWrites(count: number): Promise<BenchRow> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudlink-bench-'));
  const sqlite = createSqliteStorage({ filename: path.join(dir, 'bench.db') });
  const db = await createTestDatabase('cloudlink_bench');
  const postgres = createPostgresStorage({ connectionString: db.url });
  try {
    const sqliteRate = await writes(sqlite, count, 's');
    const postgresRate = await writes(postgres, count, 'p');
    return { name: `storage writes, ${count} transactions (Postgres)`, unit: 'writes/s', value: postgresRate, baselineName: 'SQLite', baseline: sqliteRate, better: 'higher' };
  } finally {
    await sqlite.close();
    await postgres.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
