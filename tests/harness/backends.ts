import type { Storage } from '@cloudlink/engine';
import { createPostgresStorage } from '@cloudlink/storage-postgres';
import { createSqliteStorage } from '@cloudlink/storage-sqlite';
import { createTestDatabase } from '../../test-support/postgres.js';

/** The storages every cross-package test runs on. */
export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Raw reader of the test database (the Auth.js "backdoor"): rows as the driver returns them, snake_case. */
export interface Peek {
  /** Every row of `table` (a table of the migrations), ordered by id. */
  rows(table: string): Promise<Record<string, unknown>[]>;
}

export interface TestStorage {
  readonly storage: Storage;
  readonly peek: Peek;
  /** The Postgres connection string (undefined on SQLite), for attaching another instance. */
  readonly url?: string;
  /** Close the storage and drop the database. Idempotent. */
  cleanup(): Promise<void>;
}

/** A fresh, migrated, empty storage of `backend` (SQLite `:memory:`, or a new Postgres database). */
export async function createBackendStorage(backend: Backend): Promise<TestStorage> {
  if (backend === 'sqlite') {
    const storage = createSqliteStorage({ filename: ':memory:' });
    await storage.migrate();
    return { storage, peek: storage.peek, cleanup: once(() => storage.close().catch(() => {})) };
  }
  const db = await createTestDatabase('cloudlink_harness');
  const storage = createPostgresStorage({ connectionString: db.url, max: 4 });
  try {
    await storage.migrate();
  } catch (e) {
    await storage.close().catch(() => {});
    await db.drop();
    throw e;
  }
  return {
    storage,
    peek: storage.peek,
    url: db.url,
    cleanup: once(async () => {
      await storage.close().catch(() => {});
      await db.drop();
    }),
  };
}

/**
 * A second storage (its own pool) on an existing, already migrated Postgres database: what another
 * app instance would open. `cleanup` closes only this pool; the database's owner drops it.
 */
export function attachPostgresStorage(url: string): TestStorage {
  const storage = createPostgresStorage({ connectionString: url, max: 4 });
  return { storage, peek: storage.peek, url, cleanup: once(() => storage.close().catch(() => {})) };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
