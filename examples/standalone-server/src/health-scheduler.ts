import { createConnectionHealthScheduler, createInProcessJobQueue, type ConnectionHealthScheduler, type Logger } from '@cloudlink/engine';
import type { ServerConfig } from './config.js';
import type { Runtime } from './runtime.js';

/**
 * The server's scheduled re-verification (docs/connections.md#scheduled-re-verification), unless
 * `CLOUDLINK_VERIFY=off`: on Postgres through pg-boss in the same database, so several servers
 * share one schedule; on SQLite in this process. The CLI never runs it.
 */
export async function startHealthScheduler(config: ServerConfig, runtime: Runtime, logger: Logger): Promise<ConnectionHealthScheduler | undefined> {
  if (!config.verify.enabled) return undefined;
  // pg-boss is imported only on Postgres (already loaded with the storage there); SQLite never loads it.
  let queue;
  if (config.databaseUrl) {
    const { createPgBossJobQueue, pgBossSchemaFor } = await import('@cloudlink/storage-postgres');
    // Each cloudlink schema has its own queue beside it (`<schema>_pgboss`).
    queue = createPgBossJobQueue({ connectionString: config.databaseUrl, schema: pgBossSchemaFor(config.databaseSchema), logger });
  } else {
    queue = createInProcessJobQueue({ logger });
  }
  const scheduler = createConnectionHealthScheduler(runtime.engine, { queue, intervalSeconds: config.verify.intervalSeconds, logger });
  await scheduler.start();
  logger.info({ intervalSeconds: config.verify.intervalSeconds, queue: config.databaseUrl ? 'pg-boss' : 'in-process' }, 'connection re-verification scheduled');
  return scheduler;
}
