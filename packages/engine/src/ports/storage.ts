import type {
  AuditEntry,
  CloudConnection,
  ConnectionStatus,
  Environment,
  Member,
  MemberPermissions,
  OidcSigningKey,
  Plan,
  Project,
  Resource,
  ResourceConnection,
  ResourceConnectionStatus,
  ConnectionRecordSet,
  StoredRecordSet,
  User,
  Workspace,
} from '../domain/records.js';
import type { CloudProviderName } from '../domain/plans.js';
import type { RoleCode } from '../domain/permissions.js';

/**
 * The storage port. Repositories are grouped by aggregate; every method that writes takes `now`
 * from the engine's clock (storage never reads the time). Missing rows are `null`/`[]`; the only
 * errors storage throws on purpose are `StorageConflictError` (a unique index said no) and
 * `ZoneLockTimeoutError`. Lookups that take a scope (`workspaceId`, `projectId`, …) filter by it in
 * the query, never fetch-then-check. "Active" means `is_active = true`.
 */
export interface StorageTx {
  readonly users: UserRepo;
  readonly plans: PlanRepo;
  readonly workspaces: WorkspaceRepo;
  readonly members: MemberRepo;
  readonly projects: ProjectRepo;
  readonly environments: EnvironmentRepo;
  readonly connections: ConnectionRepo;
  readonly resources: ResourceRepo;
  readonly dnsRecords: DnsRecordRepo;
  readonly resourceConnections: ResourceConnectionRepo;
  readonly oidcKeys: OidcKeyRepo;
  readonly audit: AuditRepo;
  readonly scopes: ScopeRepo;
  /**
   * Serialise plan-limit and link checks of one workspace against the write they guard. Only valid
   * inside `transaction`. Postgres: `SELECT … FOR UPDATE` on the workspace row; SQLite: a no-op, as
   * every SQLite transaction is `BEGIN IMMEDIATE` and so already exclusive.
   */
  lockWorkspace(workspaceId: number): Promise<void>;
}

export interface Storage extends StorageTx {
  /**
   * Run `fn` in one database transaction: committed when it resolves, rolled back when it throws
   * (the error is rethrown). Nested calls are not supported; pass `tx` down instead.
   */
  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T>;
  /**
   * Run `fn` while holding the exclusive lock of one DNS zone (keyed by its resource id), across
   * provider calls. Postgres: a session advisory lock shared by every app instance; SQLite/memory:
   * an in-process mutex. Throws `ZoneLockTimeoutError` after `timeoutMs` of waiting.
   */
  withZoneLock<T>(zoneResourceId: number, fn: () => Promise<T>, options: { timeoutMs: number }): Promise<T>;
  /** Apply pending migrations (idempotent; safe when two processes race on Postgres). */
  migrate(): Promise<{ applied: string[] }>;
  /** Whether the database answers and every migration is applied; the reason when not. */
  health(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Release connections. Calls after `close` fail. */
  close(): Promise<void>;
}

export interface UserRepo {
  /**
   * Insert; `email` is stored lower-case. Duplicate email → StorageConflictError('users.email');
   * duplicate external id → StorageConflictError('users.external_id').
   */
  createUser(input: { email: string; name: string | null; externalId?: string | null; now: Date }): Promise<User>;
  /** The user with this id, or null (also for an id outside the database's integer range). */
  getUserById(id: number): Promise<User | null>;
  /** Case-insensitive. */
  getUserByEmail(email: string): Promise<User | null>;
  /** The user with this external id (exact, case-sensitive: it is the host's opaque id), or null. */
  getUserByExternalId(externalId: string): Promise<User | null>;
  /**
   * Change the fields present in `patch` (`email` stored lower-case); `updatedAt = now`; returns the
   * row. Duplicate email → StorageConflictError('users.email'). A missing user throws.
   */
  updateUser(id: number, patch: UserPatch, now: Date): Promise<User>;
}

export type UserPatch = Partial<Pick<User, 'email' | 'name'>>;

/**
 * How the access check names its user: cloudlink's id, or the host's external id
 * (`users.provision`). One statement either way.
 */
export type UserRef = number | { readonly externalId: string };

export interface PlanRepo {
  /** The plan with this id, or null. */
  getPlanById(id: number): Promise<Plan | null>;
  /** The plan with this slug (`free`, `starter`, `pro`, `ultimate` are seeded), or null. */
  getPlanBySlug(slug: string): Promise<Plan | null>;
}

/**
 * Where the slug rule (`base`, `base-1`, `base-2`, …) can put a new row, found in one query however
 * many numbered slugs exist. Every row counts, active or not, as the unique index does.
 */
export interface SlugVacancy {
  /** Whether `base` itself is free. */
  readonly baseFree: boolean;
  /** The smallest N ≥ 1 with `base-N` free. */
  readonly firstFreeSuffix: number;
}

/** One page of a list read by `id` (keyset pagination): rows with `id > after`, `id` ascending, at most `limit`. */
export interface IdPage {
  readonly after?: number;
  readonly limit: number;
}

export interface WorkspaceRepo {
  /** Duplicate slug → StorageConflictError('workspaces.slug'). */
  createWorkspace(input: { name: string; slug: string; description: string | null; planId: number; now: Date }): Promise<Workspace>;
  /** Active workspaces only. */
  getWorkspaceBySlug(slug: string): Promise<Workspace | null>;
  /** The workspace with this id, active or not (callers check `isActive`), or null. */
  getWorkspaceById(id: number): Promise<Workspace | null>;
  /** Move the workspace to another plan; `updatedAt = now`. A missing workspace is a no-op. */
  setWorkspacePlan(input: { workspaceId: number; planId: number; now: Date }): Promise<void>;
  /** Where the slug rule can put a new row: whether `base` is free and the first free `base-N`; every row counts, active or not. */
  slugVacancy(base: string): Promise<SlugVacancy>;
  /**
   * The active workspaces in which `userId` is an active member, each with that member's role;
   * workspace `id` ascending, one keyset page (`after` is a workspace id).
   */
  listWorkspacesOfUser(userId: number, page: IdPage): Promise<UserWorkspace[]>;
}

/** A workspace as one of its members sees it in their list: the row and their role in it. */
export interface UserWorkspace extends Workspace {
  readonly role: RoleCode;
}

/**
 * What the access check of a request reads about its scope, in one statement: every request runs
 * one, so it answers the user, the workspace or project (and environment) and the membership
 * together instead of as three or four dependent round trips. Each part is null when missing (all
 * of them when the user is unknown, as nothing else matters then); the engine decides which error
 * that is. `scopeRepoFrom` composes one from the other repositories for
 * storages that cannot join.
 */
export interface ScopeRepo {
  /** User `user` (by id or external id), the active workspace `workspaceSlug` and the user's active membership of it. */
  workspaceScope(user: UserRef, workspaceSlug: string): Promise<WorkspaceScopeRows>;
  /**
   * User `user` (by id or external id), the active project `projectSlug`, its workspace (active or
   * not), the user's active membership of that workspace and, when `environmentSlug` is given, the
   * project's active environment of that slug.
   */
  projectScope(user: UserRef, projectSlug: string, environmentSlug?: string): Promise<ProjectScopeRows>;
}

export interface WorkspaceScopeRows {
  readonly user: User | null;
  readonly workspace: Workspace | null;
  readonly member: Member | null;
}

export interface ProjectScopeRows {
  readonly user: User | null;
  readonly project: Project | null;
  readonly workspace: Workspace | null;
  readonly member: Member | null;
  readonly environment: Environment | null;
}

export interface MemberRepo {
  /**
   * Add a member, or reactivate the existing (workspace, user) row with the new role and
   * `joinedAt = now`. An already active row → StorageConflictError('workspace_members').
   */
  addMember(input: { workspaceId: number; userId: number; role: RoleCode; permissions: MemberPermissions | null; now: Date }): Promise<Member>;
  /** The active membership, or null. */
  getMember(workspaceId: number, userId: number): Promise<Member | null>;
  /** Active members, `id` ascending, one keyset page. */
  listMembers(workspaceId: number, page: IdPage): Promise<Member[]>;
  /** Returns the updated active member, or null when there is none. */
  setMemberRole(input: { workspaceId: number; userId: number; role: RoleCode; now: Date }): Promise<Member | null>;
  /** Soft delete; returns false when there was no active member. */
  removeMember(input: { workspaceId: number; userId: number; now: Date }): Promise<boolean>;
  /** Active members of the workspace, only those with `role` when given (the last-owner rule counts owners). */
  countMembers(workspaceId: number, options?: { role?: RoleCode }): Promise<number>;
}

export interface ProjectRepo {
  /** Duplicate slug (global, including soft-deleted) → StorageConflictError('projects.slug'). */
  createProject(input: { workspaceId: number; userId: number; name: string; slug: string; description: string | null; isDefault: boolean; now: Date }): Promise<Project>;
  /** Active only. */
  getProjectBySlug(slug: string): Promise<Project | null>;
  /** The project with this id, active or not (callers check `isActive`), or null. */
  getProjectById(id: number): Promise<Project | null>;
  /** Where the slug rule can put a new row: whether `base` is free and the first free `base-N`; every row counts, active or not. */
  slugVacancy(base: string): Promise<SlugVacancy>;
  /** Active projects of the workspace (plan limits, the default-project rule). */
  countProjects(workspaceId: number): Promise<number>;
  /** Link the project to a connection (`null` unlinks); `updatedAt = now`; returns the row. A missing project throws. */
  setProjectConnection(input: { projectId: number; connectionId: number | null; now: Date }): Promise<Project>;
  /** Unlink every project linked to the connection; returns how many. */
  unlinkConnection(input: { connectionId: number; now: Date }): Promise<number>;
  /** Active projects linked to the connection that have ≥ 1 active resource, ordered by name. */
  listProjectsWithActiveResources(connectionId: number): Promise<Project[]>;
  /** Active projects of the workspace, `id` ascending, one keyset page. */
  listProjects(workspaceId: number, page: IdPage): Promise<Project[]>;
  /**
   * Rename an active project: the fields given are set (`description: null` clears it), the slug
   * never changes; `updatedAt = now`. Returns the row, or null when there is no active project.
   */
  updateProject(input: { projectId: number; name?: string; description?: string | null; now: Date }): Promise<Project | null>;
  /**
   * Soft delete an active project (`is_active = false`, `deleted_at = now`), unlinking its cloud
   * connection and soft-deleting its active environments alike, all or nothing. Its slug stays
   * taken. Returns false when there was no active project.
   */
  softDeleteProject(input: { projectId: number; now: Date }): Promise<boolean>;
}

export interface EnvironmentRepo {
  /** Duplicate (project, slug) → StorageConflictError('environments.slug'). */
  createEnvironment(input: { projectId: number; name: string; slug: string; description: string | null; isDefault: boolean; now: Date }): Promise<Environment>;
  /** Active only, within the project. */
  getEnvironmentBySlug(projectId: number, slug: string): Promise<Environment | null>;
  /** Within the project. */
  slugVacancy(projectId: number, base: string): Promise<SlugVacancy>;
  /** Active, `id` ascending, one keyset page. */
  listEnvironments(projectId: number, page: IdPage): Promise<Environment[]>;
  /** Active environments of the project (plan limits). */
  countEnvironments(projectId: number): Promise<number>;
  /** The highest count of active environments of any one active project of the workspace (0 when none). */
  maxEnvironmentsPerProject(workspaceId: number): Promise<number>;
  /** Soft delete an active environment (`is_active = false`, `deleted_at = now`); its slug stays taken. False when there was none. */
  softDeleteEnvironment(input: { environmentId: number; now: Date }): Promise<boolean>;
}

export interface ConnectionFilter {
  /** Omitted = any status. */
  readonly status?: ConnectionStatus;
  readonly provider?: CloudProviderName;
  readonly providerId?: number;
  /** Default false: active only. */
  readonly includeInactive?: boolean;
  /** Exactly this account name. */
  readonly accountName?: string;
}

export type ConnectionPatch = Partial<
  Pick<
    CloudConnection,
    | 'accountId'
    | 'accountName'
    | 'roleArn'
    | 'status'
    | 'connectedAt'
    | 'failureReason'
    | 'secretData'
    | 'setupTokenHash'
    | 'setupTokenExpiresAt'
    | 'setupTokenUsedAt'
    | 'lastVerifiedAt'
    | 'lastVerificationError'
    | 'verificationFailures'
    | 'nextVerificationAt'
  >
>;

export interface ConnectionRepo {
  /**
   * Insert a pending connection. Duplicate active account name →
   * StorageConflictError('cloud_connections.account_name'); duplicate token hash → ('cloud_connections.setup_token_hash').
   */
  createConnection(input: {
    workspaceId: number;
    provider: CloudProviderName;
    createdBy: number;
    region: string;
    accountName?: string | null;
    externalId?: string | null;
    stackName?: string | null;
    /** null (the default): the provider's default mode; 'oidc': federated through cloudlink's issuer. */
    authMode?: 'oidc' | null;
    setupTokenHash?: string | null;
    setupTokenExpiresAt?: Date | null;
    now: Date;
  }): Promise<CloudConnection>;
  /** Active connection `id` within the workspace, or null. */
  getConnection(workspaceId: number, id: number): Promise<CloudConnection | null>;
  /** Any connection by id (active or not); for internal use (credential caches, scripts). */
  getConnectionById(id: number): Promise<CloudConnection | null>;
  /** `id` ascending, one keyset page. */
  listConnections(workspaceId: number, filter: ConnectionFilter, page: IdPage): Promise<CloudConnection[]>;
  /** Counts of active connections per status. */
  countConnectionsByStatus(workspaceId: number): Promise<Record<ConnectionStatus, number>>;
  /** Active connections with status `connected`, optionally excluding one id. */
  countConnected(workspaceId: number, options?: { excludeId?: number }): Promise<number>;
  /** Duplicate active account name → StorageConflictError('cloud_connections.account_name'). */
  updateConnection(id: number, patch: ConnectionPatch, now: Date): Promise<CloudConnection>;
  /** The active connection with this token hash (used or not, expired or not), or null. */
  getConnectionBySetupTokenHash(hash: string): Promise<CloudConnection | null>;
  /**
   * Atomically spend the setup token: sets `setup_token_used_at = now` only where it is unused and
   * `setup_token_expires_at > now`. True for exactly one of any number of concurrent callers.
   */
  claimSetupToken(id: number, now: Date): Promise<boolean>;
  /** `is_active=false`, `connection_status='disconnected'`, `deleted_at=now`, token invalidated. */
  softDeleteConnection(id: number, now: Date): Promise<void>;
  /**
   * Every connection (active or not) whose `secret_data` is set, `id` ascending: the sealed values
   * `cloudlink reencrypt` re-seals (then written back with `updateConnection`).
   */
  listSealedSecrets(): Promise<{ id: number; secretData: string }[]>;
  /**
   * Active `connected` or `failed` connections (any workspace) whose `next_verification_at` is null
   * or at most `now`, `id` ascending, at most `limit`: the scheduler's sweep.
   */
  listConnectionsDueForVerification(now: Date, limit: number): Promise<CloudConnection[]>;
  /**
   * Atomically take the connection's next scheduled check: sets `next_verification_at = next` only
   * where the connection is active, `connected` or `failed`, and `next_verification_at` still equals
   * `expected` (null included). True for exactly one of any number of concurrent callers.
   */
  claimVerification(id: number, expected: Date | null, next: Date): Promise<boolean>;
}

export interface ResourceFilter {
  /** One `resource_type`, or several (any of them). */
  readonly type?: string | readonly string[];
  /** Only children of this resource (`parent_resource_id`: the subdomains of a zone). */
  readonly parentResourceId?: number;
  readonly region?: string;
  readonly status?: string;
  /** `metadata.state`, matched only where it is a JSON string. */
  readonly state?: string;
}

export type ResourcePatch = Partial<
  Pick<Resource, 'resourceId' | 'name' | 'region' | 'status' | 'metadata' | 'secretData' | 'positionX' | 'positionY' | 'cloudConnectionId' | 'domainName'>
>;

export interface ResourceRepo {
  /**
   * Duplicate active dns domain in the environment → StorageConflictError('resources.domain_name');
   * duplicate active subdomain (same `domainName`) of one zone → StorageConflictError('resources.subdomain').
   */
  createResource(input: {
    workspaceId: number;
    projectId: number;
    environmentId: number;
    cloudConnectionId: number | null;
    resourceType: string;
    resourceId: string | null;
    name: string;
    region: string | null;
    status: string;
    domainName: string | null;
    /** The zone of a subdomain; omitted/null otherwise. */
    parentResourceId?: number | null;
    metadata: Record<string, unknown>;
    secretData: string | null;
    positionX: number | null;
    positionY: number | null;
    createdBy: number;
    now: Date;
  }): Promise<Resource>;
  /** Active resource `id` within the project and environment, or null. */
  getResource(scope: { projectId: number; environmentId: number }, id: number): Promise<Resource | null>;
  /** Active resources of the environment, `id` ascending, one keyset page. */
  listResources(environmentId: number, filter: ResourceFilter, page: IdPage): Promise<Resource[]>;
  /** The active resource with this id, in any project (callers check the scope), or null. */
  getResourceById(id: number): Promise<Resource | null>;
  /** Active resources of the environment grouped by `resource_type`. */
  countResourcesByType(environmentId: number): Promise<Record<string, number>>;
  /** Active resources of a workspace or a project. */
  countResources(scope: { workspaceId: number } | { projectId: number }): Promise<number>;
  /** Whether an active dns resource of the environment has this domain. */
  dnsDomainTaken(environmentId: number, domainName: string): Promise<boolean>;
  /** Apply the fields present in `patch`; `updatedAt = now`; returns the row. A missing resource throws. */
  updateResource(id: number, patch: ResourcePatch, now: Date): Promise<Resource>;
  /** `is_active=false`, `status='deleted'`, `deleted_at=now`. */
  softDeleteResource(id: number, now: Date): Promise<void>;
  /**
   * Every resource (active or not) whose `secret_data` is set, `id` ascending: the sealed values
   * `cloudlink reencrypt` re-seals (then written back with `updateResource`).
   */
  listSealedSecrets(): Promise<{ id: number; secretData: string }[]>;
  /**
   * Note, before the provider is asked to create a zone, that this environment is creating
   * `domainName` with `callerReference` (Route 53's idempotency key), so a crash between the
   * provider call and `createResource` leaves a trace to reconcile by. When a note for the
   * environment and domain already exists (a crashed or concurrent create), it is returned
   * unchanged, so a retry reuses its caller reference. Notes never count as resources.
   */
  claimZoneIntent(input: ZoneIntentInput): Promise<ZoneIntent>;
  /** Drop a note once its zone is recorded (same transaction) or given up; false when it was already gone. */
  settleZoneIntent(id: number): Promise<boolean>;
  /** Notes left by creates that never finished, for one connection, created before `before`; oldest first. */
  listStaleZoneIntents(cloudConnectionId: number, before: Date): Promise<ZoneIntent[]>;
}

export interface ZoneIntentInput {
  readonly workspaceId: number;
  readonly projectId: number;
  readonly environmentId: number;
  /** The AWS connection of a Route 53 zone; null for Cloudflare. */
  readonly cloudConnectionId: number | null;
  readonly provider: 'route53' | 'cloudflare';
  readonly domainName: string;
  readonly callerReference: string;
  readonly now: Date;
}

/** A zone create in progress (or interrupted): what `claimZoneIntent` recorded. */
export interface ZoneIntent extends Omit<ZoneIntentInput, 'now'> {
  readonly id: number;
  readonly createdAt: Date;
}

/** A record set a write is about to create, as sent to the provider. */
export interface IntendedRecordSet {
  readonly name: string;
  readonly type: string;
  readonly values: readonly string[];
}

export interface DnsRecordRepo {
  /** The zone's stored record sets ordered by name, then type. */
  listRecordSets(zoneResourceId: number): Promise<StoredRecordSet[]>;
  /** How many record sets the stored copy holds (the safety threshold's cheap first count). */
  countRecordSets(zoneResourceId: number): Promise<number>;
  /** The stored set of one (name, type) in the zone (name absolute, lower-case), or null. */
  getRecordSet(zoneResourceId: number, name: string, type: string): Promise<StoredRecordSet | null>;
  /** Insert or replace each (zone, name, type) record set; all or nothing. */
  putRecordSets(zoneResourceId: number, sets: readonly StoredRecordSet[], now: Date): Promise<void>;
  /** Delete the listed sets; all or nothing. */
  deleteRecordSets(zoneResourceId: number, keys: readonly { name: string; type: string }[]): Promise<void>;
  /** Replace the whole stored copy (sync); `managed` flags are the caller's to carry over. All or nothing. */
  replaceRecordSets(zoneResourceId: number, sets: readonly StoredRecordSet[], now: Date): Promise<void>;
  /** Forget the zone's stored copy and its creation notes (the zone is being forgotten). */
  deleteAllRecordSets(zoneResourceId: number): Promise<void>;
  /**
   * Note, before a write reaches the provider, the record sets it is about to create, so that a
   * crash part-way through cannot lose the fact that they are ours. Replaces an earlier note for
   * the same (name, type). All or nothing.
   */
  noteCreateIntents(zoneResourceId: number, sets: readonly IntendedRecordSet[], now: Date): Promise<void>;
  /** The zone's notes, ordered by name, then type. */
  listCreateIntents(zoneResourceId: number): Promise<IntendedRecordSet[]>;
  /** Drop the notes of these sets (their outcome is now in the stored copy, or known not to be ours). */
  settleCreateIntents(zoneResourceId: number, keys: readonly { name: string; type: string }[]): Promise<void>;
}

export interface OidcKeyRepo {
  /** Store a new signing key (`createdAt = now`); returns the row. */
  insertOidcKey(input: Omit<OidcSigningKey, 'id' | 'createdAt'> & { now: Date }): Promise<OidcSigningKey>;
  /** Every key, `id` ascending. */
  listOidcKeys(): Promise<OidcSigningKey[]>;
  /** Change the fields present in `patch` (an empty patch writes nothing); a missing key is a no-op. */
  updateOidcKey(id: number, patch: Partial<Pick<OidcSigningKey, 'signingUntil' | 'publishedUntil' | 'privateKey'>>): Promise<void>;
}

export type ResourceConnectionPatch = Partial<Pick<ResourceConnection, 'status' | 'records' | 'options' | 'targetResourceId'>>;

export interface ResourceConnectionRepo {
  /**
   * Insert a connection (status as given, usually `pending`). A source with an active connection
   * already → StorageConflictError('resource_connections.source'): a subdomain points one way.
   */
  createResourceConnection(input: {
    workspaceId: number;
    projectId: number;
    environmentId: number;
    connectionType: string;
    sourceResourceId: number;
    targetResourceId: number;
    zoneResourceId: number | null;
    status: ResourceConnectionStatus;
    records: readonly ConnectionRecordSet[];
    options: Record<string, unknown>;
    createdBy: number;
    now: Date;
  }): Promise<ResourceConnection>;
  /** Active connection `id` within the project and environment, or null. */
  getResourceConnection(scope: { projectId: number; environmentId: number }, id: number): Promise<ResourceConnection | null>;
  /** Active connections of the environment, `id` ascending, one keyset page; `resourceId` = source or target. */
  listResourceConnections(environmentId: number, filter: { resourceId?: number }, page: IdPage): Promise<ResourceConnection[]>;
  /** Every active connection whose source or target is this resource, `id` ascending (bounded by the resources of one environment). */
  listConnectionsOfResource(resourceId: number): Promise<ResourceConnection[]>;
  /** Every active connection writing into this zone, `id` ascending. */
  listConnectionsOfZone(zoneResourceId: number): Promise<ResourceConnection[]>;
  /** Apply the fields present; `updatedAt = now`; returns the row. A missing connection throws. */
  updateResourceConnection(id: number, patch: ResourceConnectionPatch, now: Date): Promise<ResourceConnection>;
  /** `is_active=false`, `deleted_at=now`; false when it was not active. */
  softDeleteResourceConnection(id: number, now: Date): Promise<boolean>;
}

/** An audit entry to append: everything but the id the storage assigns. */
export type NewAuditEntry = Omit<AuditEntry, 'id'>;

/** Which entries of a workspace's log to list; every filter present must match. */
export interface AuditFilter {
  /** Entries whose targets name this cloud connection. */
  readonly connectionId?: number;
  /** Exactly this operation (`cloudConnections.complete`). */
  readonly operation?: string;
}

/** One page of the audit log, newest first: rows with `id < before`, `id` descending, at most `limit`. */
export interface AuditPage {
  readonly before?: number;
  readonly limit: number;
}

/**
 * The audit log (see docs/audit.md). Append-only: there is no way to change or remove an entry (the
 * SQL storages also refuse UPDATE and DELETE on the table). Write it through the `tx` of the change
 * it records, so both commit or neither does.
 */
export interface AuditRepo {
  /** Append one entry (`createdAt` as given); returns it with its id. */
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** The workspace's entries, newest first (`id` descending), one keyset page. */
  listAudit(workspaceId: number, filter: AuditFilter, page: AuditPage): Promise<AuditEntry[]>;
}

/** Every unique constraint storage can report, named `<table>.<column>`. */
export type UniqueConstraint =
  | 'users.email'
  | 'users.external_id'
  | 'workspaces.slug'
  | 'workspace_members'
  | 'projects.slug'
  | 'environments.slug'
  | 'cloud_connections.account_name'
  | 'cloud_connections.setup_token_hash'
  | 'resources.domain_name'
  | 'resources.subdomain'
  | 'resource_connections.source'
  | 'oidc_signing_keys.kid';

const CONFLICT_BRAND = Symbol.for('@cloudlink/engine:storage-conflict');
const LOCK_BRAND = Symbol.for('@cloudlink/engine:zone-lock-timeout');

/** A unique index refused a write. Only the driver can tell (SQLite `SQLITE_CONSTRAINT_UNIQUE`, Postgres `23505`). */
export class StorageConflictError extends Error {
  override readonly name = 'StorageConflictError';
  readonly [CONFLICT_BRAND] = true;
  constructor(
    readonly constraint: UniqueConstraint,
    options?: ErrorOptions,
  ) {
    super(`unique constraint ${constraint} violated`, options);
  }
}

export function isStorageConflict(e: unknown, constraint?: UniqueConstraint): e is StorageConflictError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as Record<symbol, unknown>)[CONFLICT_BRAND] === true &&
    (constraint === undefined || (e as StorageConflictError).constraint === constraint)
  );
}

/** Waiting for a zone lock took longer than allowed. */
export class ZoneLockTimeoutError extends Error {
  override readonly name = 'ZoneLockTimeoutError';
  readonly [LOCK_BRAND] = true;
  constructor(readonly zoneResourceId: number) {
    super(`timed out waiting for the lock of zone ${zoneResourceId}`);
  }
}

export function isZoneLockTimeout(e: unknown): e is ZoneLockTimeoutError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[LOCK_BRAND] === true;
}
