/**
 * A job queue shared by every app instance of one deployment (docs/connections.md#scheduled-re-verification).
 * Postgres: pg-boss (`createPgBossJobQueue` in `@cloudlink/storage-postgres`); SQLite and tests:
 * `createInProcessJobQueue` (one process, same job functions).
 */
export interface JobQueue {
  /** Start delivering jobs to the handlers given to `work`. */
  start(): Promise<void>;
  /** Stop taking jobs and wait for the running ones. Idempotent. */
  stop(): Promise<void>;
  /** Run `handler` in this process for every job named `name` (any instance may get a job, exactly one does). */
  work(name: string, handler: (data: JobData) => Promise<void>): Promise<void>;
  /**
   * Enqueue a job. With `key`, a job of the same name and key already waiting makes this a no-op
   * (so overlapping sweeps on several instances enqueue a connection once).
   */
  send(name: string, data: JobData, options?: { readonly key?: string }): Promise<void>;
  /**
   * Enqueue `name` at most once per `slotSeconds` time slot across every instance (a throttled
   * send): each instance may call this on its own timer; the queue keeps one job per slot.
   */
  sendOncePerSlot(name: string, slotSeconds: number): Promise<void>;
}

/** Job payloads are plain JSON objects. */
export type JobData = Readonly<Record<string, string | number | boolean | null>>;
