import type { ColumnType, Generated } from 'kysely';

/**
 * Kysely table types for every table of the migrations (0001, the creation notes of 0002, the
 * resource connections of 0003). Column types are unions because the two dialects store them
 * differently (see `SqlDialect`): repositories always encode/decode through the dialect, never rely
 * on one representation.
 */

/** SQLite: ISO 8601 text with milliseconds; Postgres: `timestamptz` (a `Date` from pg). */
export type Timestamp = ColumnType<Date | string, Date | string, Date | string>;
/** SQLite: 0/1; Postgres: boolean. */
export type Bool = ColumnType<boolean | number, boolean | number, boolean | number>;
/** SQLite: JSON text; Postgres: jsonb (parsed by pg). Always written as a JSON string. */
export type Json = ColumnType<unknown, string, string>;
/** Postgres `numeric` comes back as a string. */
export type Numeric = ColumnType<number | string, number | string, number | string>;
/** Defaulted timestamp (`created_at`, `updated_at` of seeded tables). */
export type DefaultedTimestamp = ColumnType<Date | string, Date | string | undefined, Date | string>;

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string | null;
  external_id: string | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface PlansTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string | null;
  price: Numeric;
  price_period: string;
  restrictions: Json;
  features: Json;
  is_active: Bool;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface RolesTable {
  id: Generated<number>;
  code: string;
  name: string;
  description: string;
  permissions: Json;
  is_system_role: Bool;
  is_active: Bool;
  display_order: number;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface WorkspacesTable {
  id: Generated<number>;
  name: string;
  slug: string;
  description: string | null;
  plan_id: number;
  is_active: Bool;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface WorkspaceMembersTable {
  id: Generated<number>;
  workspace_id: number;
  user_id: number;
  role_id: number;
  permissions: Json | null;
  is_active: Bool;
  joined_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProjectsTable {
  id: Generated<number>;
  workspace_id: number;
  user_id: number;
  name: string;
  slug: string;
  description: string | null;
  is_default: Bool;
  is_active: Bool;
  connected_cloud_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface EnvironmentsTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  slug: string;
  description: string | null;
  is_default: Bool;
  is_active: Bool;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface CloudProvidersTable {
  id: Generated<number>;
  name: string;
  display_name: string;
  is_active: Bool;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface CloudConnectionsTable {
  id: Generated<number>;
  workspace_id: number;
  cloud_provider_id: number;
  created_by: number;
  account_id: string | null;
  account_name: string | null;
  region: string;
  role_arn: string | null;
  external_id: string | null;
  stack_name: string | null;
  connection_status: string;
  connected_at: Timestamp | null;
  failure_reason: string | null;
  secret_data: string | null;
  setup_token_hash: string | null;
  setup_token_expires_at: Timestamp | null;
  setup_token_used_at: Timestamp | null;
  last_verified_at: Timestamp | null;
  last_verification_error: string | null;
  verification_failures: Generated<number>;
  next_verification_at: Timestamp | null;
  auth_mode: string | null;
  is_active: Bool;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface ResourcesTable {
  id: Generated<number>;
  workspace_id: number;
  project_id: number;
  environment_id: number;
  cloud_connection_id: number | null;
  resource_type: string;
  resource_id: string | null;
  name: string;
  region: string | null;
  status: string;
  domain_name: string | null;
  /** Migration 0003: a subdomain's zone. */
  parent_resource_id: number | null;
  metadata: Json;
  secret_data: string | null;
  position_x: number | null;
  position_y: number | null;
  created_by: number;
  is_active: Bool;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface DnsRecordsTable {
  id: Generated<number>;
  zone_resource_id: number;
  name: string;
  type: string;
  ttl: number | null;
  values: Json;
  managed: Bool;
  provider_ids: Json | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A record set a write is about to create (see migration 0002). */
export interface DnsRecordIntentsTable {
  id: Generated<number>;
  zone_resource_id: number;
  name: string;
  type: string;
  values: Json;
  created_at: Timestamp;
}

/** A zone create in progress or interrupted (see migration 0002). */
export interface DnsZoneIntentsTable {
  id: Generated<number>;
  workspace_id: number;
  project_id: number;
  environment_id: number;
  cloud_connection_id: number | null;
  provider: string;
  domain_name: string;
  caller_reference: string;
  created_at: Timestamp;
}

/** A link from a source resource to a target resource and the records it wrote (see migration 0003). */
export interface ResourceConnectionsTable {
  id: Generated<number>;
  workspace_id: number;
  project_id: number;
  environment_id: number;
  connection_type: string;
  source_resource_id: number;
  target_resource_id: number;
  zone_resource_id: number | null;
  status: string;
  records: Json;
  options: Json;
  created_by: number;
  is_active: Bool;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

/** The append-only audit log (see migration 0004). */
export interface AuditLogTable {
  id: Generated<number>;
  workspace_id: number;
  actor_kind: string;
  actor_user_id: number | null;
  operation: string;
  connection_id: number | null;
  targets: Json;
  outcome: string;
  error: string | null;
  detail: Json;
  request_id: string | null;
  created_at: Timestamp;
}

export interface OidcSigningKeysTable {
  id: Generated<number>;
  kid: string;
  alg: string;
  public_jwk: Json;
  private_key: string;
  signing_from: Timestamp;
  signing_until: Timestamp | null;
  published_until: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The whole schema, as Kysely sees it. */
export interface Database {
  users: UsersTable;
  plans: PlansTable;
  roles: RolesTable;
  workspaces: WorkspacesTable;
  workspace_members: WorkspaceMembersTable;
  projects: ProjectsTable;
  environments: EnvironmentsTable;
  cloud_providers: CloudProvidersTable;
  cloud_connections: CloudConnectionsTable;
  resources: ResourcesTable;
  dns_records: DnsRecordsTable;
  dns_record_intents: DnsRecordIntentsTable;
  dns_zone_intents: DnsZoneIntentsTable;
  resource_connections: ResourceConnectionsTable;
  oidc_signing_keys: OidcSigningKeysTable;
  audit_log: AuditLogTable;
}

/** Every table name of the schema (migration tables excluded). */
export const TABLES = [
  'users',
  'plans',
  'roles',
  'workspaces',
  'workspace_members',
  'projects',
  'environments',
  'cloud_providers',
  'cloud_connections',
  'resources',
  'dns_records',
  'dns_record_intents',
  'dns_zone_intents',
  'resource_connections',
  'oidc_signing_keys',
  'audit_log',
] as const satisfies readonly (keyof Database)[];
