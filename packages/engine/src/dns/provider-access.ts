import type { EngineContext } from '../context.js';
import type { CloudConnection, Project, Resource } from '../domain/records.js';
import { EngineError, notFound, precondition, providerError, providerNotConfigured } from '../errors/index.js';
import type { DnsProvider, DnsSession, ZoneInfo } from '../ports/dns.js';
import { isProviderCallError } from '../ports/provider-error.js';
import { isZoneLockTimeout } from '../ports/storage.js';
import { zoneMetadata, type ZoneMetadata } from './serialize.js';

/**
 * How the DNS services reach a provider: the operation error strings (see docs/errors.md), the one mapping
 * of provider failures to engine errors, the project-link rule for Route 53, the sealed Cloudflare
 * token, and the zone lock (see docs/dns-crash-safety.md).
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

/**
 * Turn a provider failure into the engine error of docs/errors.md and docs/batching.md: bad input → 400 `Validation
 * failed` with the provider's message; a Cloudflare token refused → 400 `Invalid Cloudflare token`;
 * throttling → 503 with `retryAfter`; anything else → 502. A part-applied batch adds
 * `data: { appliedChanges, totalChanges }`. Non-provider errors pass through unchanged.
 */
export function mapProviderError(e: unknown, operation: DnsOperation, providerId: 'route53' | 'cloudflare'): unknown {
  if (!isProviderCallError(e)) return e;
  const data = e.progress ? { appliedChanges: e.progress.appliedChanges, totalChanges: e.progress.totalChanges } : undefined;
  const extras = data ? { data } : {};
  if (e.kind === 'invalid-input') {
    return new EngineError('VALIDATION', 'Validation failed', e.message, { details: [{ path: 'body', message: e.message }], ...extras, cause: e });
  }
  // A Cloudflare token that is not accepted, or may not touch the zone, is useless to us either way: the caller must supply another.
  if ((e.kind === 'unauthorized' || e.kind === 'refused') && providerId === 'cloudflare') return precondition.invalidCloudflareToken(e.providerCode, e.providerMessage);
  if (e.kind === 'throttled') return providerError(operation, e.message, { throttled: true, retryAfter: e.retryAfter ?? 5, ...extras, cause: e });
  return providerError(operation, e.message, { ...extras, cause: e });
}

/** Run a provider call, mapping its failure for `operation`. */
export async function callProvider<T>(operation: DnsOperation, providerId: 'route53' | 'cloudflare', fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapProviderError(e, operation, providerId);
  }
}

export function requireDnsProvider(ctx: EngineContext, id: 'route53' | 'cloudflare'): DnsProvider {
  const provider = ctx.providers.dns?.[id];
  if (!provider) throw providerNotConfigured(`The ${id === 'route53' ? 'Route 53' : 'Cloudflare'} DNS provider is not configured`);
  return provider;
}

/** Whether a connection can serve Route 53 for its project: active, `connected`, AWS. */
export function isUsableAwsConnection(c: CloudConnection | null, workspaceId: number): c is CloudConnection {
  return c !== null && c.workspaceId === workspaceId && c.isActive && c.status === 'connected' && c.provider === 'aws';
}

/**
 * The project's linked connection for Route 53 work on an existing zone: no link → 400 `No cloud
 * connection`; linked but inactive, not connected or not AWS → 400 `Cloud connection not active`.
 */
export async function requireRoute53Link(ctx: EngineContext, project: Project): Promise<CloudConnection> {
  if (project.connectedCloudId === null) throw precondition.noCloudConnection();
  const connection = await ctx.storage.connections.getConnectionById(project.connectedCloudId);
  if (!isUsableAwsConnection(connection, project.workspaceId)) throw precondition.connectionNotActive();
  return connection;
}

/** An open provider session on one stored zone. */
export interface OpenZone {
  readonly provider: DnsProvider;
  readonly session: DnsSession;
  readonly info: ZoneInfo;
  readonly meta: ZoneMetadata;
}

/** Open a session for a stored dns resource: Route 53 through the project's link, Cloudflare with its sealed token. */
export async function openZone(ctx: EngineContext, project: Project, zone: Resource, operation: DnsOperation): Promise<OpenZone> {
  const meta = zoneMetadata(zone);
  const info: ZoneInfo = { hostedZoneId: meta.hostedZoneId, domainName: meta.domainName, nameServers: meta.nameServers };
  if (meta.provider === 'route53') {
    const connection = await requireRoute53Link(ctx, project);
    const provider = requireDnsProvider(ctx, 'route53');
    const credentials = await callProvider(operation, 'route53', () => ctx.awsSessions.credentialsFor(connection));
    return { provider, session: provider.session({ provider: 'route53', credentials }), info, meta };
  }
  const provider = requireDnsProvider(ctx, 'cloudflare');
  if (zone.secretData === null) throw precondition.invalidCloudflareToken('missing', 'no Cloudflare token is stored for this zone');
  const apiToken = ctx.secrets.open(zone.secretData, RESOURCE_SECRET_AAD);
  return { provider, session: provider.session({ provider: 'cloudflare', apiToken }), info, meta };
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
