import { AsyncLocalStorage } from 'node:async_hooks';
import { ZoneLockTimeoutError } from './storage.js';

/**
 * What every Storage implementation enforces the same way, written once: calls after `close()`
 * fail, the root storage may not be used from inside one of its own transactions (on SQLite the
 * transaction holds the only connection, so such a call would wait forever), and the in-process
 * zone lock of storages that run in one process (SQLite, memory).
 */

/** The open/closed state of one storage and the transaction its caller is running in. */
export interface StorageGuard {
  /** Throw `<name> is closed` once `close()` was called. */
  assertOpen(): void;
  /** {@link assertOpen}, and throw when the caller is inside a `transaction()` of this storage. */
  assertRoot(): void;
  /** Run `fn` marked as inside a transaction of this storage (see {@link assertRoot}). */
  insideTransaction<T>(fn: () => Promise<T>): Promise<T>;
  readonly closed: boolean;
  /** Mark the storage closed; false when it already was (close is idempotent). */
  close(): boolean;
}

export function createStorageGuard(name: string): StorageGuard {
  let closed = false;
  const inTransaction = new AsyncLocalStorage<true>();
  const assertOpen = () => {
    if (closed) throw new Error(`${name} is closed`);
  };
  return {
    assertOpen,
    assertRoot() {
      assertOpen();
      if (inTransaction.getStore()) throw new Error(`${name}: the root storage was used inside transaction(); use its tx instead`);
    },
    insideTransaction: (fn) => inTransaction.run(true, fn),
    get closed() {
      return closed;
    },
    close() {
      if (closed) return false;
      closed = true;
      return true;
    },
  };
}

/** A first-come-first-served async mutex; a waiter may give up after a timeout. */
export interface Mutex {
  /** Run `fn` holding the lock; when `timeoutMs` passes before it is free, reject with `onTimeout()` without running `fn`. */
  run<T>(fn: () => Promise<T>, options?: { timeoutMs?: number; onTimeout?: () => Error }): Promise<T>;
  /** Whether someone holds the lock right now (then waiters may be queued too). */
  readonly locked: boolean;
}

export function createMutex(): Mutex {
  let locked = false;
  const waiters: (() => void)[] = [];

  function acquire(timeoutMs: number | undefined, onTimeout: () => Error): Promise<void> {
    if (!locked) {
      locked = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      waiters.push(waiter);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          reject(onTimeout());
        }, timeoutMs);
      }
    });
  }

  function release(): void {
    // Hand the lock straight to the next waiter so nobody can barge in between.
    const next = waiters.shift();
    if (next) next();
    else locked = false;
  }

  return {
    get locked() {
      return locked;
    },
    async run(fn, options) {
      await acquire(options?.timeoutMs, options?.onTimeout ?? (() => new Error('timed out waiting for a lock')));
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}

/** `Storage.withZoneLock` for storages whose every writer lives in this process. */
export interface InProcessZoneLock {
  withLock<T>(zoneResourceId: number, fn: () => Promise<T>, options: { timeoutMs: number }): Promise<T>;
}

/**
 * One mutex per zone id, granted in arrival order; a waiter not granted it within `timeoutMs`
 * leaves the queue with `ZoneLockTimeoutError`. A zone's mutex is dropped once nobody holds or
 * waits for it, so the map stays as small as the zones in use.
 */
export function createInProcessZoneLock(): InProcessZoneLock {
  const locks = new Map<number, Mutex>();
  return {
    async withLock(zoneResourceId, fn, { timeoutMs }) {
      let lock = locks.get(zoneResourceId);
      if (!lock) {
        lock = createMutex();
        locks.set(zoneResourceId, lock);
      }
      try {
        return await lock.run(fn, { timeoutMs, onTimeout: () => new ZoneLockTimeoutError(zoneResourceId) });
      } finally {
        if (!lock.locked && locks.get(zoneResourceId) === lock) locks.delete(zoneResourceId);
      }
    },
  };
}
