import { toIso } from '../admin/serialize.js';
import { CLOUD_PROVIDERS } from '../domain/plans.js';
import type { CloudConnection } from '../domain/records.js';
import type { ConnectionObject } from '../responses/connections.js';

export type { ConnectionObject };

/**
 * The connection's `mode` (docs/connections.md#connection-modes): GCP is always federated; AWS and
 * Azure are `oidc` when created so, else their default (role + ExternalId, client secret).
 */
export function modeOf(c: Pick<CloudConnection, 'provider' | 'authMode'>): ConnectionObject['mode'] {
  if (c.provider === 'gcp' || c.authMode === 'oidc') return 'oidc';
  return c.provider === 'aws' ? 'role' : 'secret';
}

/**
 * The connection object of the REST API. Never includes `role_arn`, `external_id`, `stack_name`,
 * `secret_data`, token columns, `workspace_id` or `created_by`.
 */
export function serializeConnection(c: CloudConnection): ConnectionObject {
  const provider = CLOUD_PROVIDERS.find((p) => p.name === c.provider) ?? CLOUD_PROVIDERS[0];
  return {
    id: c.id,
    cloudProvider: { id: provider.id, name: provider.name, displayName: provider.displayName },
    accountId: c.accountId,
    accountName: c.accountName,
    region: c.region,
    connectionStatus: c.status,
    mode: modeOf(c),
    connectedAt: toIso(c.connectedAt),
    failureReason: c.failureReason,
    isActive: c.isActive,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    // Re-verification (docs/connections.md#re-verification): null until the first one.
    lastVerifiedAt: toIso(c.lastVerifiedAt),
    lastVerificationError: c.lastVerificationError,
  };
}
