import { CLOUD_PROVIDERS, type CloudProviderName } from '../../../domain/plans.js';
import type { RoleCode } from '../../../domain/permissions.js';
import type {
  CloudConnection,
  ConnectionStatus,
  Environment,
  Member,
  OidcSigningKey,
  Plan,
  Project,
  Resource,
  ResourceConnection,
  ResourceConnectionStatus,
  StoredRecordSet,
  User,
  Workspace,
} from '../../../domain/records.js';
import type {
  ConnectionRow,
  Db,
  DnsRecordRow,
  EnvironmentRow,
  MemberRow,
  OidcKeyRow,
  PlanRow,
  ProjectRow,
  ResourceConnectionRow,
  ResourceRow,
  UserRow,
  WorkspaceRow,
} from './rows.js';

/** Rows → the engine's records. Every result is a fresh copy, so callers cannot edit the tables. */

const date = (d: Date): Date => new Date(d.getTime());
const dateOrNull = (d: Date | null): Date | null => (d === null ? null : date(d));
const json = <T>(v: T): T => structuredClone(v);

export function toUser(r: UserRow): User {
  return { id: r.id, email: r.email, name: r.name, externalId: r.external_id, createdAt: date(r.created_at), updatedAt: date(r.updated_at) };
}

export function toPlan(r: PlanRow): Plan {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    price: r.price,
    pricePeriod: r.price_period,
    restrictions: json(r.restrictions),
    isActive: r.is_active,
  };
}

export function toWorkspace(r: WorkspaceRow): Workspace {
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    description: r.description,
    planId: r.plan_id,
    isActive: r.is_active,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    deletedAt: dateOrNull(r.deleted_at),
  };
}

export function toMember(db: Db, r: MemberRow): Member {
  const user = db.tables.users.find((u) => u.id === r.user_id);
  const role = db.tables.roles.find((x) => x.id === r.role_id);
  if (!user || !role) throw new Error(`workspace_members ${r.id} points at a missing user or role`);
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    userId: r.user_id,
    role: role.code as RoleCode,
    permissions: r.permissions === null ? null : json(r.permissions),
    isActive: r.is_active,
    joinedAt: date(r.joined_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    user: { id: user.id, name: user.name, email: user.email },
  };
}

export function toProject(r: ProjectRow): Project {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    userId: r.user_id,
    name: r.name,
    slug: r.slug,
    description: r.description,
    isDefault: r.is_default,
    isActive: r.is_active,
    connectedCloudId: r.connected_cloud_id,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    deletedAt: dateOrNull(r.deleted_at),
  };
}

export function toEnvironment(r: EnvironmentRow): Environment {
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    slug: r.slug,
    description: r.description,
    isDefault: r.is_default,
    isActive: r.is_active,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    deletedAt: dateOrNull(r.deleted_at),
  };
}

export function providerName(id: number): CloudProviderName {
  const found = CLOUD_PROVIDERS.find((p) => p.id === id);
  if (!found) throw new Error(`unknown cloud provider id ${id}`);
  return found.name;
}

export function providerId(name: CloudProviderName): number {
  const found = CLOUD_PROVIDERS.find((p) => p.name === name);
  if (!found) throw new Error(`unknown cloud provider ${String(name)}`);
  return found.id;
}

export function toConnection(r: ConnectionRow): CloudConnection {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    provider: providerName(r.cloud_provider_id),
    createdBy: r.created_by,
    accountId: r.account_id,
    accountName: r.account_name,
    region: r.region,
    roleArn: r.role_arn,
    externalId: r.external_id,
    stackName: r.stack_name,
    status: r.connection_status as ConnectionStatus,
    connectedAt: dateOrNull(r.connected_at),
    failureReason: r.failure_reason,
    secretData: r.secret_data,
    setupTokenHash: r.setup_token_hash,
    setupTokenExpiresAt: dateOrNull(r.setup_token_expires_at),
    setupTokenUsedAt: dateOrNull(r.setup_token_used_at),
    lastVerifiedAt: dateOrNull(r.last_verified_at),
    lastVerificationError: r.last_verification_error,
    verificationFailures: r.verification_failures,
    nextVerificationAt: dateOrNull(r.next_verification_at),
    authMode: r.auth_mode === 'oidc' ? 'oidc' : null,
    isActive: r.is_active,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    deletedAt: dateOrNull(r.deleted_at),
  };
}

export function toResource(r: ResourceRow): Resource {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    projectId: r.project_id,
    environmentId: r.environment_id,
    cloudConnectionId: r.cloud_connection_id,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    name: r.name,
    region: r.region,
    status: r.status,
    domainName: r.domain_name,
    parentResourceId: r.parent_resource_id,
    metadata: json(r.metadata),
    secretData: r.secret_data,
    positionX: r.position_x,
    positionY: r.position_y,
    createdBy: r.created_by,
    isActive: r.is_active,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    deletedAt: dateOrNull(r.deleted_at),
  };
}

export function toResourceConnection(r: ResourceConnectionRow): ResourceConnection {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    projectId: r.project_id,
    environmentId: r.environment_id,
    connectionType: r.connection_type,
    sourceResourceId: r.source_resource_id,
    targetResourceId: r.target_resource_id,
    zoneResourceId: r.zone_resource_id,
    status: r.status as ResourceConnectionStatus,
    records: json(r.records),
    options: json(r.options),
    createdBy: r.created_by,
    isActive: r.is_active,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    deletedAt: dateOrNull(r.deleted_at),
  };
}

export function toRecordSet(r: DnsRecordRow): StoredRecordSet {
  return {
    name: r.name,
    type: r.type,
    ttl: r.ttl,
    values: [...r.values],
    managed: r.managed,
    providerIds: r.provider_ids === null ? null : [...r.provider_ids],
  };
}

export function toOidcKey(r: OidcKeyRow): OidcSigningKey {
  return {
    id: r.id,
    kid: r.kid,
    alg: r.alg as 'RS256',
    publicJwk: json(r.public_jwk),
    privateKey: r.private_key,
    signingFrom: date(r.signing_from),
    signingUntil: dateOrNull(r.signing_until),
    publishedUntil: dateOrNull(r.published_until),
    createdAt: date(r.created_at),
  };
}

/** Code-unit order, like SQLite's BINARY and Postgres's "C" collation. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
