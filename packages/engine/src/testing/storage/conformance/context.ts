import { afterEach, beforeEach, expect } from 'vitest';
import { isStorageConflict, type Storage, type StorageConflictError, type UniqueConstraint } from '../../../ports/storage.js';
import type { PeekTable, StoragePeek } from '../peek.js';

/** What `create` hands the suite: a fresh, empty, NOT yet migrated storage and its raw reader. */
export interface StorageUnderTest {
  readonly storage: Storage;
  readonly peek: StoragePeek;
  /** Drop the database / file / schema. Called after each test, after `storage.close()`. */
  cleanup(): Promise<void>;
}

/** The per-test state every conformance file reads; valid inside `it` bodies only. */
export interface StorageConformanceContext {
  /** The migrated storage of the running test. */
  readonly storage: Storage;
  readonly peek: StoragePeek;
  /** What the suite's own `migrate()` returned on the fresh storage. */
  readonly firstMigration: { applied: string[] };
  /** Raw rows of a table, `id` ascending. */
  rows(table: PeekTable): Promise<Record<string, unknown>[]>;
  /** The raw row with this id; fails the test when missing. */
  row(table: PeekTable, id: number): Promise<Record<string, unknown>>;
}

export type CreateStorage = () => Promise<StorageUnderTest>;

/** Register beforeEach/afterEach that give every test a fresh, migrated, empty storage. */
export function useStorage(create: CreateStorage): StorageConformanceContext {
  let current: (StorageUnderTest & { firstMigration: { applied: string[] } }) | null = null;
  let closed = false;

  beforeEach(async () => {
    const made = await create();
    const firstMigration = await made.storage.migrate();
    current = { ...made, firstMigration };
    closed = false;
  });

  afterEach(async () => {
    const done = current;
    current = null;
    if (!done) return;
    try {
      if (!closed) await done.storage.close().catch(() => undefined);
    } finally {
      await done.cleanup();
    }
  });

  const get = () => {
    if (!current) throw new Error('storage conformance: the context is only usable inside a test');
    return current;
  };

  return {
    get storage() {
      return get().storage;
    },
    get peek() {
      return get().peek;
    },
    get firstMigration() {
      return get().firstMigration;
    },
    rows: (table) => get().peek.rows(table),
    async row(table, id) {
      const rows = await get().peek.rows(table);
      const found = rows.find((r) => Number(r.id) === id);
      if (!found) throw new Error(`storage conformance: no ${table} row with id ${id}`);
      return found;
    },
  };
}

/**
 * Raw column readers that accept every dialect's encoding (SQLite text/0-1, Postgres native types),
 * so one assertion serves all storages.
 */
export const raw = {
  bool(v: unknown): boolean {
    if (v === true || v === 1 || v === '1' || v === 't' || v === 'true') return true;
    if (v === false || v === 0 || v === '0' || v === 'f' || v === 'false') return false;
    throw new Error(`not a stored boolean: ${JSON.stringify(v)}`);
  },
  /** Milliseconds since the epoch, or null. */
  time(v: unknown): number | null {
    if (v === null || v === undefined) return null;
    if (v instanceof Date) return v.getTime();
    if (typeof v === 'string' || typeof v === 'number') {
      const ms = new Date(v).getTime();
      if (!Number.isNaN(ms)) return ms;
    }
    throw new Error(`not a stored timestamp: ${JSON.stringify(v)}`);
  },
  json(v: unknown): unknown {
    return typeof v === 'string' ? JSON.parse(v) : v;
  },
  num(v: unknown): number | null {
    return v === null || v === undefined ? null : Number(v);
  },
};

/** Fixed instants, so timestamps round-trip exactly on every dialect (millisecond precision). */
export const T0 = new Date('2024-01-15T10:30:00.000Z');
export function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

/** Assert that `promise` rejects with a StorageConflictError naming `constraint`. */
export async function expectConflict(promise: Promise<unknown>, constraint: UniqueConstraint): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected StorageConflictError('${constraint}'), but the write succeeded`).not.toBeNull();
  expect(isStorageConflict(error), `expected StorageConflictError('${constraint}'), got ${String(error)}`).toBe(true);
  expect((error as StorageConflictError).constraint).toBe(constraint);
}
