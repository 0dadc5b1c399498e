/** A first-come-first-served async mutex; waiters may give up after a timeout. */
export interface Mutex {
  /**
   * Run `fn` holding the lock. When `timeoutMs` passes before the lock is free, reject with
   * `onTimeout()` without running `fn`.
   */
  run<T>(fn: () => Promise<T>, options?: { timeoutMs?: number; onTimeout?: () => Error }): Promise<T>;
  /** Whether someone holds the lock right now. */
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
