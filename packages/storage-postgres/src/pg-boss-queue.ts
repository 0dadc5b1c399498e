import PgBoss from 'pg-boss';
import type { JobData, JobQueue, Logger } from '@cloudlink/engine';
import { schemaNamespace } from '@cloudlink/storage-kysely';

export interface PgBossJobQueueOptions {
  /** The same database as the storage; pg-boss keeps its tables in its own schema. */
  readonly connectionString: string;
  /**
   * The schema pg-boss keeps its tables in. Default `pgboss`; next to a storage with a `schema`,
   * pass `pgBossSchemaFor(thatSchema)` (`<schema>_pgboss`), so each cloudlink namespace has its own
   * queue. pg-boss manages (and migrates) its schema itself, so it never shares cloudlink's.
   */
  readonly schema?: string;
  /** How often an idle worker polls for jobs (≥ 0.5). Default 2 s. */
  readonly pollingIntervalSeconds?: number;
  readonly logger?: Logger;
}

/**
 * The pg-boss schema that belongs with a cloudlink storage schema: `<schema>_pgboss`, or pg-boss's
 * own default `pgboss` for the default namespace. A schema of its own rather than cloudlink's:
 * pg-boss creates and upgrades its tables (`job`, `queue`, `version`, …) on its own schedule.
 */
export function pgBossSchemaFor(storageSchema?: string): string {
  if (storageSchema === undefined) return 'pgboss';
  schemaNamespace(storageSchema); // validates: the name is spliced into pg-boss's SQL
  return `${storageSchema}_pgboss`;
}

/**
 * The engine's `JobQueue` on pg-boss (pinned; see docs/connections.md#scheduled-re-verification):
 * every app instance on one database shares the queue, and each job goes to one of them. Queues use
 * the `short` policy (one waiting job per key); `sendOncePerSlot` is pg-boss's throttled
 * send (one job per time slot, enforced by its unique index across instances).
 */
export function createPgBossJobQueue(options: PgBossJobQueueOptions): JobQueue {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    ...(options.schema ? { schema: options.schema } : {}),
    // cloudlink's own timers request the sweeps; pg-boss's cron is not used.
    schedule: false,
    max: 4,
  });
  const logger = options.logger;
  boss.on('error', (err) => logger?.error({ err }, 'pg-boss error'));
  const handlers = new Map<string, (data: JobData) => Promise<void>>();
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
  let state: 'idle' | 'started' | 'stopped' = 'idle';

  /**
   * Create the queue unless it exists. Instances starting together may deadlock in pg-boss's DDL
   * (Postgres picks a victim, `40P01`): the victim tries again, and then finds the queue made.
   */
  async function ensureQueue(name: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await boss.createQueue(name, { name, policy: 'short', retryLimit: 0 });
        return;
      } catch (e) {
        if ((e as { code?: unknown }).code !== '40P01' || attempt >= 5) throw e;
      }
    }
  }

  return {
    async start() {
      if (state !== 'idle') return;
      await boss.start();
      state = 'started';
      for (const [name, handler] of handlers) {
        await ensureQueue(name);
        await boss.work<JobData>(name, { pollingIntervalSeconds, batchSize: 1 }, async (jobs) => {
          for (const job of jobs) await handler(job.data);
        });
      }
    },
    async stop() {
      if (state !== 'started') {
        state = 'stopped';
        return;
      }
      state = 'stopped';
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
    },
    async work(name, handler) {
      handlers.set(name, handler);
    },
    async send(name, data, sendOptions) {
      if (state !== 'started') return;
      await boss.send(name, data, sendOptions?.key === undefined ? {} : { singletonKey: sendOptions.key });
    },
    async sendOncePerSlot(name, slotSeconds) {
      if (state !== 'started') return;
      await boss.sendThrottled(name, {}, {}, Math.max(1, Math.round(slotSeconds)));
    },
  };
}
