/**
 * @module @cloudlink/storage-kysely — the SQL layer shared by `@cloudlink/storage-sqlite` and
 * `@cloudlink/storage-postgres`: table types, versioned migrations, repositories and the dialect
 * seam. Applications use one of the driver packages, not this one directly.
 */
export { createKyselyStorage } from './storage.js';
export type { KyselyStorageOptions } from './storage.js';
export type { SqlDialect, DdlTypes } from './dialect.js';
export { decodeNumber } from './dialect.js';
export { UNIQUE_INDEXES, constraintByIndex, constraintByColumns } from './constraints.js';
export { runMigrations, pendingMigrations, migrationsFor, migrationTablesOf, MIGRATION_TABLE, MIGRATION_LOCK_TABLE } from './migrator.js';
export { MIGRATION_NAMES } from './migrations/index.js';
export { DEFAULT_NAMESPACE, schemaNamespace, prefixNamespace, objectName, localName, describeNamespace, namespacePlugin } from './namespace.js';
export type { Namespace } from './namespace.js';
export { prefixTablesInSql } from './prefix-sql.js';
export { emitMigrationSql } from './emit.js';
export type { EmitMigrationSqlOptions } from './emit.js';
export { createPeek } from './peek.js';
export type { Peek } from './peek.js';
export { TABLES } from './schema.js';
export type * from './schema.js';
