import { DEFAULT_NAMESPACE, emitMigrationSql, schemaNamespace } from '@cloudlink/storage-kysely';
import { postgresDialect } from './postgres-dialect.js';

/**
 * The Postgres migrations as one SQL script, for hosts that apply schema changes with their own
 * tool (see `emitMigrationSql` in `@cloudlink/storage-kysely` and docs/storage-namespaces.md): a
 * storage created with the same `schema` on the database the script ran on has nothing to migrate.
 */
export async function emitPostgresMigrationSql(options: { readonly schema?: string; readonly from?: string } = {}): Promise<string> {
  const namespace = options.schema === undefined ? DEFAULT_NAMESPACE : schemaNamespace(options.schema);
  return emitMigrationSql({ dialect: postgresDialect, namespace, ...(options.from !== undefined && { from: options.from }) });
}
