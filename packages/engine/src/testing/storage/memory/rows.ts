import type { AuditActorKind, AuditOutcome, ConnectionRecordSet, MemberPermissions } from '../../../domain/records.js';
import type { PermissionSet } from '../../../domain/permissions.js';
import type { PlanRestrictions } from '../../../domain/plans.js';
import { PEEK_TABLES } from '../peek.js';

/**
 * The tables of the SQL migrations as the memory storage keeps them: snake_case columns, `Date` timestamps,
 * booleans, parsed JSON. `peek` hands out copies of exactly these rows.
 */
export interface UserRow {
  id: number;
  email: string;
  name: string | null;
  external_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface PlanRow {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  price: number;
  price_period: 'month' | 'year';
  restrictions: PlanRestrictions;
  features: unknown[];
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface RoleRow {
  id: number;
  code: string;
  name: string;
  description: string;
  permissions: PermissionSet;
  is_system_role: boolean;
  is_active: boolean;
  display_order: number;
  created_at: Date;
  updated_at: Date;
}

export interface CloudProviderRow {
  id: number;
  name: string;
  display_name: string;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface WorkspaceRow {
  id: number;
  name: string;
  slug: string;
  description: string | null;
  plan_id: number;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface MemberRow {
  id: number;
  workspace_id: number;
  user_id: number;
  role_id: number;
  permissions: MemberPermissions | null;
  is_active: boolean;
  joined_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface ProjectRow {
  id: number;
  workspace_id: number;
  user_id: number;
  name: string;
  slug: string;
  description: string | null;
  is_default: boolean;
  is_active: boolean;
  connected_cloud_id: number | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface EnvironmentRow {
  id: number;
  project_id: number;
  name: string;
  slug: string;
  description: string | null;
  is_default: boolean;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface ConnectionRow {
  id: number;
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
  connected_at: Date | null;
  failure_reason: string | null;
  secret_data: string | null;
  setup_token_hash: string | null;
  setup_token_expires_at: Date | null;
  setup_token_used_at: Date | null;
  last_verified_at: Date | null;
  last_verification_error: string | null;
  verification_failures: number;
  next_verification_at: Date | null;
  auth_mode: string | null;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface ResourceRow {
  id: number;
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
  parent_resource_id: number | null;
  metadata: Record<string, unknown>;
  secret_data: string | null;
  position_x: number | null;
  position_y: number | null;
  created_by: number;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface DnsRecordRow {
  id: number;
  zone_resource_id: number;
  name: string;
  type: string;
  ttl: number | null;
  values: string[];
  managed: boolean;
  provider_ids: string[] | null;
  created_at: Date;
  updated_at: Date;
}

export interface DnsRecordIntentRow {
  id: number;
  zone_resource_id: number;
  name: string;
  type: string;
  values: string[];
  created_at: Date;
}

export interface DnsZoneIntentRow {
  id: number;
  workspace_id: number;
  project_id: number;
  environment_id: number;
  cloud_connection_id: number | null;
  provider: string;
  domain_name: string;
  caller_reference: string;
  created_at: Date;
}

export interface ResourceConnectionRow {
  id: number;
  workspace_id: number;
  project_id: number;
  environment_id: number;
  connection_type: string;
  source_resource_id: number;
  target_resource_id: number;
  zone_resource_id: number | null;
  status: string;
  records: ConnectionRecordSet[];
  options: Record<string, unknown>;
  created_by: number;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface OidcKeyRow {
  id: number;
  kid: string;
  alg: string;
  public_jwk: Record<string, unknown>;
  private_key: string;
  signing_from: Date;
  signing_until: Date | null;
  published_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface AuditLogRow {
  id: number;
  workspace_id: number;
  actor_kind: AuditActorKind;
  actor_user_id: number | null;
  operation: string;
  connection_id: number | null;
  targets: Record<string, number>;
  outcome: AuditOutcome;
  error: string | null;
  detail: Record<string, unknown>;
  request_id: string | null;
  created_at: Date;
}

/** Every table, keyed by its SQL name. */
export interface Tables {
  users: UserRow[];
  plans: PlanRow[];
  roles: RoleRow[];
  cloud_providers: CloudProviderRow[];
  workspaces: WorkspaceRow[];
  workspace_members: MemberRow[];
  projects: ProjectRow[];
  environments: EnvironmentRow[];
  cloud_connections: ConnectionRow[];
  resources: ResourceRow[];
  dns_records: DnsRecordRow[];
  dns_record_intents: DnsRecordIntentRow[];
  dns_zone_intents: DnsZoneIntentRow[];
  resource_connections: ResourceConnectionRow[];
  oidc_signing_keys: OidcKeyRow[];
  audit_log: AuditLogRow[];
}

export type TableName = keyof Tables;
export type RowOf<T extends TableName> = Tables[T][number];

/** The memory storage keeps exactly the tables a peek may read (emptyDb creates them from this list). */
export const TABLE_NAMES: readonly TableName[] = PEEK_TABLES;

/** The whole database: rows plus the last id handed out per table (ids are never reused). */
export interface Db {
  tables: Tables;
  lastId: Record<TableName, number>;
}

export function emptyDb(): Db {
  const tables = Object.fromEntries(TABLE_NAMES.map((t) => [t, []])) as unknown as Tables;
  const lastId = Object.fromEntries(TABLE_NAMES.map((t) => [t, 0])) as Record<TableName, number>;
  return { tables, lastId };
}
