import type { Logger } from '../ports/runtime.js';
import type { JobData, JobQueue } from '../ports/job-queue.js';
import { silentLogger } from '../runtime/index.js';
import type { createConnectionHealth } from './health.js';

/** The job names on the queue: one sweep per slot, one check per due connection. */
export const VERIFY_SWEEP_JOB = 'cloudlink-verify-sweep';
export const VERIFY_CONNECTION_JOB = 'cloudlink-verify-connection';

export const DEFAULT_VERIFY_INTERVAL_SECONDS = 6 * 3600;
export const DEFAULT_VERIFY_JITTER = 0.1;
export const DEFAULT_VERIFY_MAX_BACKOFF_SECONDS = 24 * 3600;

export interface ConnectionHealthSchedulerOptions {
  /** Where sweeps and checks run: pg-boss on Postgres (several instances), in-process on SQLite. */
  readonly queue: JobQueue;
  /** Between two checks of a healthy connection. Default 6 h. */
  readonly intervalSeconds?: number;
  /** ± fraction each delay is spread by (0–0.5). Default 0.1. */
  readonly jitter?: number;
  /** The back-off ceiling after failures in a row. Default 24 h (never below the interval). */
  readonly maxBackoffSeconds?: number;
  /** How often a sweep looks for due connections. Default: the interval, at most 60 s (whole seconds, ≥ 1). */
  readonly sweepEverySeconds?: number;
  /** Connections enqueued per sweep at most. Default 500. */
  readonly batchSize?: number;
  readonly logger?: Logger;
}

type HealthEngine = { readonly connectionHealth: ReturnType<typeof createConnectionHealth> };

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!(Number.isFinite(v) && v > 0)) throw new TypeError(`createConnectionHealthScheduler: ${name} must be a positive number`);
  return v;
}

/**
 * Scheduled re-verification (docs/connections.md#scheduled-re-verification). Each instance's timer
 * asks the queue for one sweep per slot (the queue keeps one across instances); the sweep enqueues
 * one keyed job per due connection; a job claims its check in the database, so each connection is
 * verified once per interval however many instances run this.
 */
export function createConnectionHealthScheduler(engine: HealthEngine, options: ConnectionHealthSchedulerOptions) {
  const intervalSeconds = positive('intervalSeconds', options.intervalSeconds, DEFAULT_VERIFY_INTERVAL_SECONDS);
  const jitter = options.jitter ?? DEFAULT_VERIFY_JITTER;
  if (!(jitter >= 0 && jitter <= 0.5)) throw new TypeError('createConnectionHealthScheduler: jitter must be between 0 and 0.5');
  const maxBackoffSeconds = positive('maxBackoffSeconds', options.maxBackoffSeconds, DEFAULT_VERIFY_MAX_BACKOFF_SECONDS);
  const sweepEverySeconds = Math.max(1, Math.round(positive('sweepEverySeconds', options.sweepEverySeconds, Math.min(intervalSeconds, 60))));
  const batchSize = Math.floor(positive('batchSize', options.batchSize, 500));
  const schedule = { intervalMs: intervalSeconds * 1000, jitter, maxBackoffMs: maxBackoffSeconds * 1000 };
  const { queue } = options;
  const logger = options.logger ?? silentLogger;
  let timer: ReturnType<typeof setInterval> | undefined;
  let started = false;
  /** Jobs this instance ran (tests wait on these instead of the wall clock). */
  const stats = { sweeps: 0, checks: 0 };

  async function sweep(): Promise<number> {
    const due = await engine.connectionHealth.listDue(batchSize);
    for (const id of due) await queue.send(VERIFY_CONNECTION_JOB, { connectionId: id }, { key: String(id) });
    return due.length;
  }

  function requestSweep(): void {
    queue.sendOncePerSlot(VERIFY_SWEEP_JOB, sweepEverySeconds).catch((e: unknown) => logger.error({ err: e }, 'could not request a verification sweep'));
  }

  return {
    /** The effective settings (for logs and tests). */
    settings: { intervalSeconds, jitter, maxBackoffSeconds, sweepEverySeconds, batchSize },
    stats,
    /** Register the job functions, start the queue, and request a sweep now and every `sweepEverySeconds`. */
    async start(): Promise<void> {
      if (started) return;
      started = true;
      await queue.work(VERIFY_SWEEP_JOB, async () => {
        await sweep();
        stats.sweeps++;
      });
      await queue.work(VERIFY_CONNECTION_JOB, async (data: JobData) => {
        const id = data.connectionId;
        if (typeof id === 'number') await engine.connectionHealth.runScheduled(id, schedule);
        stats.checks++;
      });
      await queue.start();
      requestSweep();
      timer = setInterval(requestSweep, sweepEverySeconds * 1000);
      timer.unref?.();
    },
    /** Stop the timer and the queue (running checks finish). Idempotent. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (started) await queue.stop();
      started = false;
    },
    /** Enqueue every due connection now (what a sweep job does); returns how many. */
    sweep,
  };
}

export type ConnectionHealthScheduler = ReturnType<typeof createConnectionHealthScheduler>;

/**
 * The job queue of a single process (SQLite, tests): jobs run in this process as soon as they are
 * sent (after `start`); a keyed job already waiting or running is not enqueued twice.
 */
export function createInProcessJobQueue(options: { readonly logger?: Logger } = {}): JobQueue {
  const logger = options.logger ?? silentLogger;
  const handlers = new Map<string, (data: JobData) => Promise<void>>();
  const keys = new Set<string>();
  const backlog: (() => void)[] = [];
  const running = new Set<Promise<void>>();
  let state: 'idle' | 'started' | 'stopped' = 'idle';

  function run(name: string, data: JobData, key: string | undefined): void {
    const handler = handlers.get(name);
    const job = (async () => {
      try {
        if (handler) await handler(data);
      } catch (e) {
        logger.error({ err: e, job: name }, 'job failed');
      } finally {
        if (key !== undefined) keys.delete(key);
      }
    })();
    running.add(job);
    void job.finally(() => running.delete(job));
  }

  const queue: JobQueue = {
    async start() {
      state = 'started';
      for (const next of backlog.splice(0)) next();
    },
    async stop() {
      state = 'stopped';
      backlog.length = 0;
      await Promise.all([...running]);
    },
    async work(name, handler) {
      handlers.set(name, handler);
    },
    async send(name, data, sendOptions) {
      if (state === 'stopped') return;
      const key = sendOptions?.key === undefined ? undefined : `${name}\u0000${sendOptions.key}`;
      if (key !== undefined) {
        if (keys.has(key)) return;
        keys.add(key);
      }
      if (state === 'started') run(name, data, key);
      else backlog.push(() => run(name, data, key));
    },
    // One process: a sweep still waiting or running is the one of this slot.
    sendOncePerSlot: (name) => queue.send(name, {}, { key: 'slot' }),
  };
  return queue;
}
