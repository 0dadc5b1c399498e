/**
 * @module @cloudlink/storage-sqlite — the embedded cloudlink storage on better-sqlite3.
 */
export { createSqliteStorage } from './sqlite-storage.js';
export type { SqliteStorage, SqliteStorageOptions, SqliteDatabaseLike } from './sqlite-storage.js';
export { sqliteDialect } from './sqlite-dialect.js';
export type { Peek } from '@cloudlink/storage-kysely';
export { emitSqliteMigrationSql } from './emit.js';
