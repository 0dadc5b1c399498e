import { AUDIT_ACTOR_KINDS, AUDIT_OUTCOMES, CONNECTION_STATUSES, RESOURCE_CONNECTION_STATUSES } from '../../../domain/records.js';
import { StorageConflictError, type UniqueConstraint } from '../../../ports/storage.js';
import type { Db, RowOf, TableName } from './rows.js';

/**
 * The unique indexes of the SQL migrations (packages/storage-kysely/src/migrations). `key` returns null where a partial index does not cover the row,
 * exactly like `WHERE is_active AND account_name IS NOT NULL`. Matches are exact (case-sensitive);
 * `users.email` is stored lower-case, so it is effectively case-insensitive.
 */
type UniqueIndex<T extends TableName> = { constraint: UniqueConstraint | null; key: (row: RowOf<T>) => string | null };

const UNIQUE: { [T in TableName]: UniqueIndex<T>[] } = {
  users: [
    { constraint: 'users.email', key: (r) => r.email },
    { constraint: 'users.external_id', key: (r) => r.external_id },
  ],
  plans: [{ constraint: null, key: (r) => r.slug }],
  roles: [{ constraint: null, key: (r) => r.code }],
  cloud_providers: [{ constraint: null, key: (r) => r.name }],
  workspaces: [{ constraint: 'workspaces.slug', key: (r) => r.slug }],
  workspace_members: [{ constraint: 'workspace_members', key: (r) => `${r.workspace_id}/${r.user_id}` }],
  projects: [{ constraint: 'projects.slug', key: (r) => r.slug }],
  environments: [{ constraint: 'environments.slug', key: (r) => `${r.project_id}/${r.slug}` }],
  cloud_connections: [
    {
      constraint: 'cloud_connections.account_name',
      key: (r) => (r.is_active && r.account_name !== null ? `${r.workspace_id}/${r.account_name}` : null),
    },
    { constraint: 'cloud_connections.setup_token_hash', key: (r) => r.setup_token_hash },
  ],
  resources: [
    {
      constraint: 'resources.domain_name',
      key: (r) => (r.is_active && r.resource_type === 'dns' && r.domain_name !== null ? `${r.environment_id}/${r.domain_name}` : null),
    },
    {
      constraint: 'resources.subdomain',
      key: (r) =>
        r.is_active && r.resource_type === 'subdomain' && r.parent_resource_id !== null && r.domain_name !== null
          ? `${r.parent_resource_id}/${r.domain_name}`
          : null,
    },
  ],
  resource_connections: [{ constraint: 'resource_connections.source', key: (r) => (r.is_active ? `${r.source_resource_id}` : null) }],
  dns_records: [{ constraint: null, key: (r) => `${r.zone_resource_id}/${r.name}/${r.type}` }],
  dns_record_intents: [{ constraint: null, key: (r) => `${r.zone_resource_id}/${r.name}/${r.type}` }],
  dns_zone_intents: [{ constraint: null, key: (r) => `${r.environment_id}/${r.domain_name}` }],
  oidc_signing_keys: [{ constraint: 'oidc_signing_keys.kid', key: (r) => r.kid }],
  audit_log: [],
};

/** Foreign keys: column → referenced table (SQLite runs with `PRAGMA foreign_keys=ON`). */
const FOREIGN: { [T in TableName]?: [keyof RowOf<T> & string, TableName][] } = {
  workspaces: [['plan_id', 'plans']],
  workspace_members: [
    ['workspace_id', 'workspaces'],
    ['user_id', 'users'],
    ['role_id', 'roles'],
  ],
  projects: [
    ['workspace_id', 'workspaces'],
    ['user_id', 'users'],
    ['connected_cloud_id', 'cloud_connections'],
  ],
  environments: [['project_id', 'projects']],
  cloud_connections: [
    ['workspace_id', 'workspaces'],
    ['cloud_provider_id', 'cloud_providers'],
    ['created_by', 'users'],
  ],
  resources: [
    ['workspace_id', 'workspaces'],
    ['project_id', 'projects'],
    ['environment_id', 'environments'],
    ['cloud_connection_id', 'cloud_connections'],
    ['parent_resource_id', 'resources'],
    ['created_by', 'users'],
  ],
  resource_connections: [
    ['workspace_id', 'workspaces'],
    ['project_id', 'projects'],
    ['environment_id', 'environments'],
    ['source_resource_id', 'resources'],
    ['target_resource_id', 'resources'],
    ['zone_resource_id', 'resources'],
    ['created_by', 'users'],
  ],
  dns_records: [['zone_resource_id', 'resources']],
  audit_log: [
    ['workspace_id', 'workspaces'],
    ['actor_user_id', 'users'],
  ],
  dns_record_intents: [['zone_resource_id', 'resources']],
  dns_zone_intents: [
    ['workspace_id', 'workspaces'],
    ['project_id', 'projects'],
    ['environment_id', 'environments'],
    ['cloud_connection_id', 'cloud_connections'],
  ],
};

/** NOT NULL columns the engine could get wrong (a driver refuses such a row; so does the memory storage). */
const NOT_NULL: { [T in TableName]?: (keyof RowOf<T> & string)[] } = {
  dns_records: ['zone_resource_id', 'name', 'type', 'values'],
  dns_record_intents: ['zone_resource_id', 'name', 'type', 'values'],
  dns_zone_intents: ['workspace_id', 'project_id', 'environment_id', 'provider', 'domain_name', 'caller_reference'],
  resource_connections: [
    'workspace_id',
    'project_id',
    'environment_id',
    'connection_type',
    'source_resource_id',
    'target_resource_id',
    'status',
    'records',
    'options',
    'created_by',
  ],
};

/** CHECK constraints of the migrations: column → the values it accepts (a list, or a test). */
const CHECK: { [T in TableName]?: [keyof RowOf<T> & string, string, readonly unknown[] | ((value: unknown) => boolean)][] } = {
  users: [['external_id', 'ck_users_external_id', (v) => v === null || (typeof v === 'string' && v.length >= 1 && [...v].length <= 255)]],
  cloud_connections: [['connection_status', 'ck_cloud_connections_status', CONNECTION_STATUSES]],
  resource_connections: [['status', 'ck_resource_connections_status', RESOURCE_CONNECTION_STATUSES]],
  audit_log: [
    ['outcome', 'ck_audit_log_outcome', AUDIT_OUTCOMES],
    ['actor_kind', 'ck_audit_log_actor_kind', AUDIT_ACTOR_KINDS],
  ],
};

/** A constraint the engine has no name for (seeded tables, a broken foreign key): a plain error, as a driver would throw. */
class ConstraintError extends Error {
  override readonly name = 'ConstraintError';
}

/** Throw as the database would if `row` (new or changed) broke a NOT NULL, CHECK, unique index or foreign key. */
export function checkRow<T extends TableName>(db: Db, table: T, row: RowOf<T>): void {
  for (const column of (NOT_NULL[table] ?? []) as (keyof RowOf<T> & string)[]) {
    if (row[column] === null || row[column] === undefined) throw new ConstraintError(`NOT NULL constraint failed: ${table}.${column}`);
  }
  for (const [column, name, allowed] of CHECK[table] ?? []) {
    if (!(typeof allowed === 'function' ? allowed(row[column]) : allowed.includes(row[column]))) throw new ConstraintError(`CHECK constraint failed: ${name}`);
  }
  const rows = db.tables[table] as RowOf<T>[];
  for (const index of UNIQUE[table] as UniqueIndex<T>[]) {
    const key = index.key(row);
    if (key === null) continue;
    if (rows.some((other) => other.id !== row.id && index.key(other) === key)) {
      if (index.constraint) throw new StorageConflictError(index.constraint);
      throw new ConstraintError(`UNIQUE constraint failed on ${table}`);
    }
  }
  for (const [column, target] of FOREIGN[table] ?? []) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (!db.tables[target].some((r) => r.id === value)) {
      throw new ConstraintError(`FOREIGN KEY constraint failed: ${table}.${column} → ${target}`);
    }
  }
}

/** Insert a row, assigning the next id. */
export function insertRow<T extends TableName>(db: Db, table: T, values: Omit<RowOf<T>, 'id'>): RowOf<T> {
  // Cloned so a caller reusing its `now` Date or metadata object cannot reach into the table.
  const row = { id: db.lastId[table] + 1, ...structuredClone(values) } as RowOf<T>;
  checkRow(db, table, row);
  db.lastId[table] = row.id;
  (db.tables[table] as RowOf<T>[]).push(row);
  return row;
}

/** Replace the row with this id by `{...old, ...changes}`; null when there is no such row. */
export function updateRow<T extends TableName>(db: Db, table: T, id: number, changes: Partial<RowOf<T>>): RowOf<T> | null {
  const rows = db.tables[table] as RowOf<T>[];
  const at = rows.findIndex((r) => r.id === id);
  if (at < 0) return null;
  const row = { ...rows[at], ...structuredClone(changes), id } as RowOf<T>;
  checkRow(db, table, row);
  rows[at] = row;
  return row;
}

/** Delete every row matching `pred`; returns how many. */
export function deleteRows<T extends TableName>(db: Db, table: T, pred: (row: RowOf<T>) => boolean): number {
  const rows = db.tables[table] as RowOf<T>[];
  const keep = rows.filter((r) => !pred(r));
  const removed = rows.length - keep.length;
  (db.tables as unknown as Record<TableName, unknown[]>)[table] = keep;
  return removed;
}
