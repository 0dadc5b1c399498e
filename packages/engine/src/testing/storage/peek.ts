/** The tables of the migrations (0001, the creation notes of 0002, the resource connections of 0003, the audit log of 0004) that a conformance run may read raw. */
export const PEEK_TABLES = [
  'users',
  'plans',
  'roles',
  'cloud_providers',
  'workspaces',
  'workspace_members',
  'projects',
  'environments',
  'cloud_connections',
  'resources',
  'dns_records',
  'dns_record_intents',
  'dns_zone_intents',
  'resource_connections',
  'oidc_signing_keys',
  'audit_log',
] as const;
export type PeekTable = (typeof PEEK_TABLES)[number];

/**
 * A raw reader beside a storage (the Auth.js "backdoor"): the conformance suite checks writes with
 * it, never with the storage's own getters. `rows` returns every row of a table, `id` ascending,
 * keyed by the SQL column names (snake_case). Values are whatever the driver hands back: booleans
 * may be `0/1`, timestamps ISO strings or `Date`s, JSON text or parsed, ids/numerics strings.
 * Sealed columns (`secret_data`, `private_key`) must hold exactly what the storage was given.
 */
export interface StoragePeek {
  rows(table: PeekTable): Promise<Record<string, unknown>[]>;
}
