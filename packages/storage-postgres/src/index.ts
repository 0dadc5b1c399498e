/**
 * @module @cloudlink/storage-postgres — the cloudlink storage on Postgres (pg), for several app
 * instances sharing one database.
 */
export { createPostgresStorage } from './postgres-storage.js';
export type { PostgresStorage, PostgresStorageOptions } from './postgres-storage.js';
export { postgresDialect } from './postgres-dialect.js';
export { ZONE_LOCK_NAMESPACE, zoneLockKey } from './zone-lock.js';
export type { Peek } from '@cloudlink/storage-kysely';
export { createPgBossJobQueue, pgBossSchemaFor } from './pg-boss-queue.js';
export { emitPostgresMigrationSql } from './emit.js';
export type { PgBossJobQueueOptions } from './pg-boss-queue.js';
