import type { EngineContext } from '../context.js';
import type { CloudConnection, Project, Resource } from '../domain/records.js';
import type { CloudProviderName } from '../domain/plans.js';
import { conflict, EngineError, notFound, precondition, providerError, providerNotConfigured } from '../errors/index.js';
import type { AccessToken } from '../ports/cloud.js';
import type { DnsAuth, DnsProvider, DnsProviderId, DnsSession, TokenSource, ZoneInfo } from '../ports/dns.js';
import { isProviderCallError } from '../ports/provider-error.js';
import { isZoneLockTimeout } from '../ports/storage.js';
import { zoneMetadata, type ZoneMetadata } from './serialize.js';

/**
 * How the DNS services reach a provider: the operation error strings (see docs/errors.md), the one mapping
 * of provider failures to engine errors, the project-link rule (one per cloud: Route 53 through AWS,
 * Cloud DNS through GCP, Azure DNS through Azure), the token sources, the sealed Cloudflare token, and the zone lock (see docs/dns-crash-safety.md).
 */

/** The documented `error` string of each operation's provider failure. */
export const DNS_OPERATION = {
  createZone: 'Failed to create/import hosted zone',
  listRecords: 'Failed to list DNS records',
  upsertRecords: 'Failed to create DNS record',
  deleteRecords: 'Failed to delete DNS record',
  deleteZone: 'Failed to delete hosted zone',
  sync: 'Failed to sync DNS zone',
  connect: 'Failed to connect resources',
  disconnect: 'Failed to disconnect resources',
  /** No provider call: only the zone lock, which a subdomain create holds against a concurrent zone delete. */
  createSubdomain: 'Failed to create subdomain',
} as const;
export type DnsOperation = (typeof DNS_OPERATION)[keyof typeof DNS_OPERATION];

/** AAD binding a sealed Cloudflare token to its column. */
export const RESOURCE_SECRET_AAD = 'cloudlink:resources.secret_data';

/** The cloud whose linked connection reaches each provider; Cloudflare is reached with a token instead. */
export const LINKED_CLOUD = { route53: 'aws', clouddns: 'gcp', azuredns: 'azure' } as const satisfies Partial<Record<DnsProviderId, CloudProviderName>>;
export type LinkedDnsProviderId = keyof typeof LINKED_CLOUD;
const PROVIDER_NAMES: Record<DnsProviderId, string> = { route53: 'Route 53', cloudflare: 'Cloudflare', clouddns: 'Cloud DNS', azuredns: 'Azure DNS' };

/** The provider a linked connection's cloud serves zones with (`native`, docs/records.md#zones). */
export function dnsProviderOfCloud(cloud: CloudProviderName): LinkedDnsProviderId {
  return cloud === 'aws' ? 'route53' : cloud === 'gcp' ? 'clouddns' : 'azuredns';
}

/**
 * Turn a provider failure into the engine error of docs/errors.md and docs/batching.md: bad input → 400 `Validation
 * failed` with the provider's message; a Cloudflare token refused → 400 `Invalid Cloudflare token`;
 * throttling → 503 with `retryAfter`; anything else → 502. A part-applied batch adds
 * `data: { appliedChanges, totalChanges }`. A write refused because a set changed since it was read
 * (Azure DNS ETag mismatch) → 409 `DNS record changed concurrently`, naming `changedSet` when the
 * caller knows it. Non-provider errors pass through unchanged.
 */
export function mapProviderError(e: unknown, operation: DnsOperation, providerId: DnsProviderId, changedSet?: string): unknown {
  if (!isProviderCallError(e)) return e;
  const data = e.progress ? { appliedChanges: e.progress.appliedChanges, totalChanges: e.progress.totalChanges } : undefined;
  const extras = data ? { data } : {};
  if (e.kind === 'invalid-input') {
    return new EngineError('VALIDATION', 'Validation failed', e.message, { details: [{ path: 'body', message: e.message }], ...extras, cause: e });
  }
  // A Cloudflare token that is not accepted, or may not touch the zone, is useless to us either way: the caller must supply another.
  if ((e.kind === 'unauthorized' || e.kind === 'refused') && providerId === 'cloudflare') return precondition.invalidCloudflareToken(e.providerCode, e.providerMessage);
  // Azure DNS refused a write whose If-Match ETag no longer holds: someone changed the set since we read it.
  if (isConcurrentChange(e)) return conflict.dnsRecordChangedConcurrently(changedSet ?? null, { ...extras, cause: e });
  if (e.kind === 'throttled') return providerError(operation, e.message, { throttled: true, retryAfter: e.retryAfter ?? 5, ...extras, cause: e });
  return providerError(operation, e.message, { ...extras, cause: e });
}

/** A precondition (ETag) failure of a record-set write, as the port documents it. */
export function isConcurrentChange(e: unknown): boolean {
  return isProviderCallError(e) && e.kind === 'conflict' && e.providerCode === 'PreconditionFailed';
}

/** Run a provider call, mapping its failure for `operation`. */
export async function callProvider<T>(operation: DnsOperation, providerId: DnsProviderId, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapProviderError(e, operation, providerId);
  }
}

export function requireDnsProvider(ctx: EngineContext, id: DnsProviderId): DnsProvider {
  const provider = ctx.providers.dns?.[id];
  if (!provider) throw providerNotConfigured(`The ${PROVIDER_NAMES[id]} DNS provider is not configured`);
  return provider;
}

/** Whether a connection can serve zones of `cloud` for a project of this workspace: active, `connected`, that cloud. */
export function isUsableConnection(c: CloudConnection | null, workspaceId: number, cloud: CloudProviderName): c is CloudConnection {
  return c !== null && c.workspaceId === workspaceId && c.isActive && c.status === 'connected' && c.provider === cloud;
}

/**
 * The project's linked connection for work on a zone of `provider`: no link → 400 `No cloud
 * connection`; linked but inactive, not connected or of another cloud → 400 `Cloud connection not active`.
 */
export async function requireLinkFor(ctx: EngineContext, project: Project, provider: LinkedDnsProviderId): Promise<CloudConnection> {
  if (project.connectedCloudId === null) throw precondition.noCloudConnection();
  const connection = await ctx.storage.connections.getConnectionById(project.connectedCloudId);
  if (!isUsableConnection(connection, project.workspaceId, LINKED_CLOUD[provider])) throw precondition.connectionNotActive();
  return connection;
}

/**
 * A token source for one zone session (docs/records.md#zones): each call asks the per-connection
 * cache, which exchanges only when its token is within 5 minutes of expiry, so a long listing or a
 * large batch outlives any one token and many calls share one exchange.
 */
function tokenSource(ctx: EngineContext, operation: DnsOperation, provider: DnsProviderId, load: () => Promise<AccessToken>): TokenSource {
  return () => callProvider(operation, provider, load);
}

/**
 * The credentials a session of `provider` needs through `connection` (a linked connection of that
 * provider's cloud). Azure DNS also needs the zone's resource group: the one stored with the zone,
 * or for a new zone the one its create chose.
 */
export async function linkedAuth(ctx: EngineContext, provider: LinkedDnsProviderId, connection: CloudConnection, operation: DnsOperation, azureResourceGroup: string): Promise<DnsAuth> {
  switch (provider) {
    case 'route53':
      return { provider, credentials: await callProvider(operation, provider, () => ctx.awsSessions.credentialsFor(connection)) };
    case 'clouddns': {
      const { projectId } = ctx.connectionTokens.gcpProject(connection);
      if (projectId === null) throw precondition.connectionNotActive();
      return { provider, projectId, accessToken: tokenSource(ctx, operation, provider, () => ctx.connectionTokens.gcpToken(connection)) };
    }
    case 'azuredns': {
      const { subscriptionId } = ctx.connectionTokens.azureAccount(connection);
      return { provider, subscriptionId, resourceGroup: azureResourceGroup, accessToken: tokenSource(ctx, operation, provider, () => ctx.connectionTokens.azureToken(connection)) };
    }
  }
}

/** An open provider session on one stored zone. */
export interface OpenZone {
  readonly provider: DnsProvider;
  readonly session: DnsSession;
  readonly info: ZoneInfo;
  readonly meta: ZoneMetadata;
}

/** Open a session for a stored dns resource: Route 53, Cloud DNS and Azure DNS through the project's link, Cloudflare with its sealed token. */
export async function openZone(ctx: EngineContext, project: Project, zone: Resource, operation: DnsOperation): Promise<OpenZone> {
  const meta = zoneMetadata(zone);
  const info: ZoneInfo = { hostedZoneId: meta.hostedZoneId, domainName: meta.domainName, nameServers: meta.nameServers };
  if (meta.provider === 'cloudflare') {
    const provider = requireDnsProvider(ctx, 'cloudflare');
    if (zone.secretData === null) throw precondition.invalidCloudflareToken('missing', 'no Cloudflare token is stored for this zone');
    const apiToken = ctx.secrets.open(zone.secretData, RESOURCE_SECRET_AAD);
    return { provider, session: provider.session({ provider: 'cloudflare', apiToken }), info, meta };
  }
  const connection = await requireLinkFor(ctx, project, meta.provider);
  const provider = requireDnsProvider(ctx, meta.provider);
  const auth = await linkedAuth(ctx, meta.provider, connection, operation, meta.azureResourceGroup ?? ctx.config.dns.azureResourceGroup);
  return { provider, session: provider.session(auth), info, meta };
}

/**
 * Hold the zone's lock (see docs/dns-crash-safety.md) across `fn`; waiting longer than the configured timeout → 503
 * with `retryAfter: 5` and the operation's error string.
 *
 * The zone row the caller read before waiting may be stale by the time the lock is ours: a
 * `deleteFromCloud` queued ahead of us may have emptied and forgotten the zone. So the zone is read
 * again under the lock, in the caller's project and environment, and `fn` gets that fresh row; a
 * zone gone meanwhile → 404 `DNS zone not found`, before anything reaches the provider.
 */
export async function withZoneLock<T>(ctx: EngineContext, zone: Resource, operation: DnsOperation, fn: (current: Resource) => Promise<T>): Promise<T> {
  try {
    return await ctx.storage.withZoneLock(
      zone.id,
      async () => {
        const current = await ctx.storage.resources.getResource({ projectId: zone.projectId, environmentId: zone.environmentId }, zone.id);
        if (!current || current.resourceType !== 'dns') throw notFound.dnsZone();
        return fn(current);
      },
      { timeoutMs: ctx.config.dns.zoneLockTimeoutMs },
    );
  } catch (e) {
    if (isZoneLockTimeout(e)) throw zoneBusy(operation);
    throw e;
  }
}

/** 503 with `retryAfter: 5`: another change holds the zone (or, for a create, its domain) right now. */
export function zoneBusy(operation: DnsOperation): EngineError {
  return providerError(operation, 'Another change to this DNS zone is in progress; try again shortly', { throttled: true, retryAfter: 5 });
}
