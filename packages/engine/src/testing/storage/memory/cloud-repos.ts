import { CONNECTION_STATUSES, type ConnectionStatus } from '../../../domain/records.js';
import type {
  ConnectionPatch,
  ConnectionRepo,
  OidcKeyRepo,
  ResourcePatch,
  ResourceRepo,
} from '../../../ports/storage.js';
import { insertRow, updateRow } from './constraints.js';
import { providerId, toConnection, toOidcKey, toResource } from './map.js';
import type { ConnectionRow, Db, OidcKeyRow, ResourceRow } from './rows.js';
import type { Run } from './run.js';
import { pageById } from './id-page.js';
import { zoneIntentMethods } from './dns-repos.js';

const copyDate = (d: Date | null | undefined) => (d === null || d === undefined ? null : new Date(d.getTime()));

function mustExist<T>(row: T | null, what: string): T {
  if (row === null) throw new Error(`${what} does not exist`);
  return row;
}

/** camelCase patch → column changes; only the keys present are written. */
function connectionChanges(patch: ConnectionPatch): Partial<ConnectionRow> {
  const out: Partial<ConnectionRow> = {};
  if ('accountId' in patch) out.account_id = patch.accountId ?? null;
  if ('accountName' in patch) out.account_name = patch.accountName ?? null;
  if ('roleArn' in patch) out.role_arn = patch.roleArn ?? null;
  if (patch.status !== undefined) out.connection_status = patch.status;
  if ('connectedAt' in patch) out.connected_at = copyDate(patch.connectedAt);
  if ('failureReason' in patch) out.failure_reason = patch.failureReason ?? null;
  if ('secretData' in patch) out.secret_data = patch.secretData ?? null;
  if ('setupTokenHash' in patch) out.setup_token_hash = patch.setupTokenHash ?? null;
  if ('setupTokenExpiresAt' in patch) out.setup_token_expires_at = copyDate(patch.setupTokenExpiresAt);
  if ('setupTokenUsedAt' in patch) out.setup_token_used_at = copyDate(patch.setupTokenUsedAt);
  if ('lastVerifiedAt' in patch) out.last_verified_at = copyDate(patch.lastVerifiedAt);
  if ('lastVerificationError' in patch) out.last_verification_error = patch.lastVerificationError ?? null;
  if (patch.verificationFailures !== undefined) out.verification_failures = patch.verificationFailures;
  if ('nextVerificationAt' in patch) out.next_verification_at = copyDate(patch.nextVerificationAt);
  return out;
}

/** The connections the scheduler re-verifies: active, and connected or failed. */
const isScheduled = (c: ConnectionRow) => c.is_active && (c.connection_status === 'connected' || c.connection_status === 'failed');

export function createConnectionRepo(run: Run): ConnectionRepo {
  const find = (db: Db, id: number) => db.tables.cloud_connections.find((c) => c.id === id) ?? null;
  return {
    createConnection: (input) =>
      run((db) =>
        toConnection(
          insertRow(db, 'cloud_connections', {
            workspace_id: input.workspaceId,
            cloud_provider_id: providerId(input.provider),
            created_by: input.createdBy,
            account_id: null,
            account_name: input.accountName ?? null,
            region: input.region,
            role_arn: null,
            external_id: input.externalId ?? null,
            stack_name: input.stackName ?? null,
            connection_status: 'pending',
            connected_at: null,
            failure_reason: null,
            secret_data: null,
            setup_token_hash: input.setupTokenHash ?? null,
            setup_token_expires_at: copyDate(input.setupTokenExpiresAt),
            setup_token_used_at: null,
            last_verified_at: null,
            last_verification_error: null,
            verification_failures: 0,
            next_verification_at: null,
            auth_mode: input.authMode ?? null,
            is_active: true,
            created_at: input.now,
            updated_at: input.now,
            deleted_at: null,
          }),
        ),
      ),
    getConnection: (workspaceId, id) =>
      run((db) => {
        const row = db.tables.cloud_connections.find((c) => c.id === id && c.workspace_id === workspaceId && c.is_active);
        return row ? toConnection(row) : null;
      }),
    getConnectionById: (id) =>
      run((db) => {
        const row = find(db, id);
        return row ? toConnection(row) : null;
      }),
    listConnections: (workspaceId, filter, page) =>
      run((db) =>
        pageById(
          db.tables.cloud_connections.filter(
            (c) =>
              c.workspace_id === workspaceId &&
              (filter.includeInactive === true || c.is_active) &&
              (filter.status === undefined || c.connection_status === filter.status) &&
              (filter.provider === undefined || c.cloud_provider_id === providerId(filter.provider)) &&
              (filter.providerId === undefined || c.cloud_provider_id === filter.providerId) &&
              (filter.accountName === undefined || c.account_name === filter.accountName),
          ),
          page,
        ).map(toConnection),
      ),
    countConnectionsByStatus: (workspaceId) =>
      run((db) => {
        const counts = Object.fromEntries(CONNECTION_STATUSES.map((s) => [s, 0])) as Record<ConnectionStatus, number>;
        for (const c of db.tables.cloud_connections) {
          if (c.workspace_id === workspaceId && c.is_active) counts[c.connection_status as ConnectionStatus] += 1;
        }
        return counts;
      }),
    countConnected: (workspaceId, options) =>
      run(
        (db) =>
          db.tables.cloud_connections.filter(
            (c) => c.workspace_id === workspaceId && c.is_active && c.connection_status === 'connected' && c.id !== options?.excludeId,
          ).length,
      ),
    updateConnection: (id, patch, now) =>
      run((db) => toConnection(mustExist(updateRow(db, 'cloud_connections', id, { ...connectionChanges(patch), updated_at: now }), `connection ${id}`))),
    getConnectionBySetupTokenHash: (hash) =>
      run((db) => {
        const row = db.tables.cloud_connections.find((c) => c.setup_token_hash === hash && c.is_active);
        return row ? toConnection(row) : null;
      }),
    claimSetupToken: (id, now) =>
      run((db) => {
        const row = find(db, id);
        const claimable =
          row !== null &&
          row.is_active &&
          row.setup_token_hash !== null &&
          row.setup_token_used_at === null &&
          row.setup_token_expires_at !== null &&
          row.setup_token_expires_at.getTime() > now.getTime();
        if (!claimable) return false;
        updateRow(db, 'cloud_connections', id, { setup_token_used_at: now, updated_at: now });
        return true;
      }),
    listSealedSecrets: () =>
      run((db) =>
        db.tables.cloud_connections.flatMap((c) => (c.secret_data === null ? [] : [{ id: c.id, secretData: c.secret_data }])),
      ),
    listConnectionsDueForVerification: (now, limit) =>
      run((db) =>
        db.tables.cloud_connections
          .filter((c) => isScheduled(c) && (c.next_verification_at === null || c.next_verification_at.getTime() <= now.getTime()))
          .sort((a, b) => a.id - b.id)
          .slice(0, limit)
          .map(toConnection),
      ),
    claimVerification: (id, expected, next) =>
      run((db) => {
        const row = find(db, id);
        if (row === null || !isScheduled(row) || (row.next_verification_at?.getTime() ?? null) !== (expected?.getTime() ?? null)) return false;
        updateRow(db, 'cloud_connections', id, { next_verification_at: copyDate(next) });
        return true;
      }),
    softDeleteConnection: (id, now) =>
      run((db) => {
        // Dropping the hash both invalidates the token and frees it from the unique index.
        updateRow(db, 'cloud_connections', id, {
          is_active: false,
          connection_status: 'disconnected',
          deleted_at: now,
          updated_at: now,
          setup_token_hash: null,
        });
      }),
  };
}

function resourceChanges(patch: ResourcePatch): Partial<ResourceRow> {
  const out: Partial<ResourceRow> = {};
  if ('resourceId' in patch) out.resource_id = patch.resourceId ?? null;
  if (patch.name !== undefined) out.name = patch.name;
  if ('region' in patch) out.region = patch.region ?? null;
  if (patch.status !== undefined) out.status = patch.status;
  if (patch.metadata !== undefined) out.metadata = structuredClone(patch.metadata) as Record<string, unknown>;
  if ('secretData' in patch) out.secret_data = patch.secretData ?? null;
  if ('positionX' in patch) out.position_x = patch.positionX ?? null;
  if ('positionY' in patch) out.position_y = patch.positionY ?? null;
  if ('cloudConnectionId' in patch) out.cloud_connection_id = patch.cloudConnectionId ?? null;
  if (patch.domainName !== undefined) out.domain_name = patch.domainName;
  return out;
}

/** `ResourceFilter.type`: one type or a list of them (an empty list matches nothing). */
const typesOf = (type: string | readonly string[]): readonly string[] => (typeof type === 'string' ? [type] : type);

export function createResourceRepo(run: Run): ResourceRepo {
  return {
    ...zoneIntentMethods(run),
    createResource: (input) =>
      run((db) =>
        toResource(
          insertRow(db, 'resources', {
            workspace_id: input.workspaceId,
            project_id: input.projectId,
            environment_id: input.environmentId,
            cloud_connection_id: input.cloudConnectionId,
            resource_type: input.resourceType,
            resource_id: input.resourceId,
            name: input.name,
            region: input.region,
            status: input.status,
            domain_name: input.domainName,
            parent_resource_id: input.parentResourceId ?? null,
            metadata: structuredClone(input.metadata),
            secret_data: input.secretData,
            position_x: input.positionX,
            position_y: input.positionY,
            created_by: input.createdBy,
            is_active: true,
            created_at: input.now,
            updated_at: input.now,
            deleted_at: null,
          }),
        ),
      ),
    getResource: ({ projectId, environmentId }, id) =>
      run((db) => {
        const row = db.tables.resources.find((r) => r.id === id && r.project_id === projectId && r.environment_id === environmentId && r.is_active);
        return row ? toResource(row) : null;
      }),
    listResources: (environmentId, filter, page) =>
      run((db) =>
        pageById(
          db.tables.resources.filter(
            (r) =>
              r.environment_id === environmentId &&
              r.is_active &&
              (filter.type === undefined || typesOf(filter.type).includes(r.resource_type)) &&
              (filter.parentResourceId === undefined || r.parent_resource_id === filter.parentResourceId) &&
              (filter.region === undefined || r.region === filter.region) &&
              (filter.status === undefined || r.status === filter.status) &&
              (filter.state === undefined || (r.metadata as Record<string, unknown> | null)?.state === filter.state),
          ),
          page,
        ).map(toResource),
      ),
    getResourceById: (id) =>
      run((db) => {
        const row = db.tables.resources.find((r) => r.id === id && r.is_active);
        return row ? toResource(row) : null;
      }),
    countResourcesByType: (environmentId) =>
      run((db) => {
        const counts: Record<string, number> = {};
        for (const r of db.tables.resources) {
          if (r.environment_id === environmentId && r.is_active) counts[r.resource_type] = (counts[r.resource_type] ?? 0) + 1;
        }
        return counts;
      }),
    countResources: (scope) =>
      run(
        (db) =>
          db.tables.resources.filter((r) => r.is_active && ('workspaceId' in scope ? r.workspace_id === scope.workspaceId : r.project_id === scope.projectId))
            .length,
      ),
    dnsDomainTaken: (environmentId, domainName) =>
      run((db) => db.tables.resources.some((r) => r.environment_id === environmentId && r.is_active && r.resource_type === 'dns' && r.domain_name === domainName)),
    updateResource: (id, patch, now) =>
      run((db) => toResource(mustExist(updateRow(db, 'resources', id, { ...resourceChanges(patch), updated_at: now }), `resource ${id}`))),
    listSealedSecrets: () =>
      run((db) => db.tables.resources.flatMap((r) => (r.secret_data === null ? [] : [{ id: r.id, secretData: r.secret_data }]))),
    softDeleteResource: (id, now) =>
      run((db) => {
        updateRow(db, 'resources', id, { is_active: false, status: 'deleted', deleted_at: now, updated_at: now });
      }),
  };
}

export function createOidcKeyRepo(run: Run): OidcKeyRepo {
  return {
    insertOidcKey: ({ now, ...key }) =>
      run((db) =>
        toOidcKey(
          insertRow(db, 'oidc_signing_keys', {
            kid: key.kid,
            alg: key.alg,
            public_jwk: structuredClone(key.publicJwk) as Record<string, unknown>,
            private_key: key.privateKey,
            signing_from: new Date(key.signingFrom.getTime()),
            signing_until: copyDate(key.signingUntil),
            published_until: copyDate(key.publishedUntil),
            created_at: now,
            updated_at: now,
          }),
        ),
      ),
    listOidcKeys: () => run((db) => db.tables.oidc_signing_keys.map(toOidcKey)),
    updateOidcKey: (id, patch) =>
      run((db) => {
        const changes: Partial<OidcKeyRow> = {};
        if ('signingUntil' in patch) changes.signing_until = copyDate(patch.signingUntil);
        if ('publishedUntil' in patch) changes.published_until = copyDate(patch.publishedUntil);
        if (patch.privateKey !== undefined) changes.private_key = patch.privateKey;
        updateRow(db, 'oidc_signing_keys', id, changes);
      }),
  };
}
