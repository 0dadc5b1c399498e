import { ZoneLockTimeoutError } from '@cloudlink/engine';

/** Serialises holders of the same key inside one process, with a bounded wait. */
export interface InProcessZoneLock {
  withLock<T>(zoneResourceId: number, fn: () => Promise<T>, options: { timeoutMs: number }): Promise<T>;
}

/**
 * An in-process mutex per zone id (SQLite and other single-process storages). A waiter that is not
 * granted the lock within `timeoutMs` leaves the queue and gets `ZoneLockTimeoutError`; holders are
 * granted strictly in arrival order.
 */
export function createInProcessZoneLock(): InProcessZoneLock {
  const queues = new Map<number, (() => void)[]>();
  const held = new Set<number>();

  const release = (key: number) => {
    const next = queues.get(key)?.shift();
    if (next) return next();
    queues.delete(key);
    held.delete(key);
  };

  const acquire = (key: number, timeoutMs: number): Promise<void> => {
    if (!held.has(key)) {
      held.add(key);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const queue = queues.get(key) ?? [];
      queues.set(key, queue);
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        reject(new ZoneLockTimeoutError(key));
      }, timeoutMs);
      queue.push(grant);
    });
  };

  return {
    async withLock(zoneResourceId, fn, { timeoutMs }) {
      await acquire(zoneResourceId, timeoutMs);
      try {
        return await fn();
      } finally {
        release(zoneResourceId);
      }
    },
  };
}
