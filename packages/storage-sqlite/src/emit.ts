import { emitMigrationSql, prefixNamespace, DEFAULT_NAMESPACE } from '@cloudlink/storage-kysely';
import { sqliteDialect } from './sqlite-dialect.js';

/**
 * The SQLite migrations as one SQL script, for hosts that apply schema changes with their own tool
 * (see `emitMigrationSql` in `@cloudlink/storage-kysely` and docs/storage-namespaces.md): a storage
 * created with the same `tablePrefix` on the database the script ran on has nothing to migrate.
 */
export async function emitSqliteMigrationSql(options: { readonly tablePrefix?: string; readonly from?: string } = {}): Promise<string> {
  const namespace = options.tablePrefix === undefined ? DEFAULT_NAMESPACE : prefixNamespace(options.tablePrefix);
  return emitMigrationSql({ dialect: sqliteDialect, namespace, ...(options.from !== undefined && { from: options.from }) });
}
