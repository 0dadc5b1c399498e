import type { EngineContext } from '../../context.js';
import type { ConnectionRecordSet, Project, Resource, ResourceConnection } from '../../domain/records.js';
import { precondition } from '../../errors/index.js';
import { DNS_OPERATION, openZone, requireDnsProvider, withZoneLock } from '../../dns/provider-access.js';
import { zoneMetadata } from '../../dns/serialize.js';
import { dnsTargetOf } from '../dns-target.js';
import { alreadyWritten, applyConnectionWrite, disconnectConnections, planConnectionWrite, type ConnectionWrite } from './dns-link.js';
import { connectionRecordSets, DEFAULT_CONNECTION_TTL, type ConnectionOptions } from './records.js';

/**
 * What happens to resource connections when the resources at either end change: a target's DNS
 * target changes (re-point), a subdomain or a host resource is deleted (disconnect). Each zone is
 * worked on under its own lock (see docs/dns-crash-safety.md), one provider batch per zone.
 */

const scopeOf = (r: Resource) => ({ projectId: r.projectId, environmentId: r.environmentId });

/** The options a connection's records were built with. */
export function optionsOf(c: ResourceConnection): ConnectionOptions {
  return {
    ttl: typeof c.options.ttl === 'number' ? c.options.ttl : DEFAULT_CONNECTION_TTL,
    proxied: c.options.proxied === true,
  };
}

/** The active dns zone a subdomain lives in (its parent), or null once the zone is gone. */
export async function zoneOfSubdomain(ctx: EngineContext, subdomain: Resource): Promise<Resource | null> {
  if (subdomain.parentResourceId === null) return null;
  const zone = await ctx.storage.resources.getResource(scopeOf(subdomain), subdomain.parentResourceId);
  return zone?.resourceType === 'dns' ? zone : null;
}

/** The record sets `subdomain` → `target` needs in `zone`; 400 `Connection not allowed` without a DNS target. */
export function recordsFor(ctx: EngineContext, zone: Resource, subdomain: Resource, target: Resource, options: ConnectionOptions): ConnectionRecordSet[] {
  const dnsTarget = dnsTargetOf(target);
  if (!dnsTarget) throw precondition.connectionNotAllowed(`Resource ${target.id} has no dnsTarget to point a subdomain at`);
  const meta = zoneMetadata(zone);
  const { capabilities } = requireDnsProvider(ctx, meta.provider);
  return connectionRecordSets(dnsTarget, { fqdn: subdomain.domainName ?? meta.domainName, zoneDomain: meta.domainName, capabilities }, options);
}

/** Connections grouped by the zone they write into (connections without a zone have no records). */
function byZone(connections: readonly ResourceConnection[]): Map<number, ResourceConnection[]> {
  const out = new Map<number, ResourceConnection[]>();
  for (const c of connections) if (c.zoneResourceId !== null) out.set(c.zoneResourceId, [...(out.get(c.zoneResourceId) ?? []), c]);
  return out;
}

const targeting = (resourceId: number) => (c: ResourceConnection) => c.targetResourceId === resourceId && c.status !== 'deleting';

/**
 * Check that every connection targeting `target` can be rebuilt from `target` as it would be after
 * an update (400 before anything changes, e.g. a hostname target at a Route 53 apex).
 */
export async function checkRepoint(ctx: EngineContext, target: Resource): Promise<void> {
  for (const c of (await ctx.storage.resourceConnections.listConnectionsOfResource(target.id)).filter(targeting(target.id))) {
    const subdomain = await ctx.storage.resources.getResource(scopeOf(target), c.sourceResourceId);
    const zone = subdomain ? await zoneOfSubdomain(ctx, subdomain) : null;
    if (subdomain && zone) recordsFor(ctx, zone, subdomain, target, optionsOf(c));
  }
}

/**
 * Re-point every connection targeting `target` to its current DNS target: per zone, one batch of
 * UPSERTs plus DELETEs of types no longer used. Connections already holding the right records are
 * left alone, so running it again (after a failure part-way) only finishes what is left.
 */
export async function repointTargetConnections(ctx: EngineContext, project: Project, target: Resource): Promise<void> {
  const op = DNS_OPERATION.connect;
  for (const zoneId of byZone((await ctx.storage.resourceConnections.listConnectionsOfResource(target.id)).filter(targeting(target.id))).keys()) {
    const zoneRow = await ctx.storage.resources.getResource(scopeOf(target), zoneId);
    if (!zoneRow) continue;
    const zone = await openZone(ctx, project, zoneRow, op);
    await withZoneLock(ctx, zoneRow, op, async (currentZone) => {
      // Under the lock: the target and its connections as they are now.
      const fresh = await ctx.storage.resources.getResource(scopeOf(target), target.id);
      if (!fresh) return;
      const writes: ConnectionWrite[] = [];
      for (const c of (await ctx.storage.resourceConnections.listConnectionsOfZone(zoneId)).filter(targeting(target.id))) {
        const subdomain = await ctx.storage.resources.getResource(scopeOf(target), c.sourceResourceId);
        if (!subdomain) continue;
        const options = optionsOf(c);
        const next = recordsFor(ctx, currentZone, subdomain, fresh, options);
        if (!alreadyWritten(c, next, fresh.id)) writes.push({ connection: c, previous: c.records, next, options, targetResourceId: fresh.id });
      }
      if (writes.length === 0) return;
      await applyConnectionWrite(ctx, zone, zoneId, await planConnectionWrite(ctx, zone, zoneId, writes));
    });
  }
}

/**
 * Disconnect every connection whose source or target is `resource`, zone by zone (with
 * `fromCloud`, their records are removed at the provider; without, the database only). `thenInZone`
 * runs under the lock of the resource's own zone right after (a subdomain's soft delete), so no
 * connect slips in between.
 */
export async function disconnectResource(
  ctx: EngineContext,
  project: Project,
  resource: Resource,
  fromCloud: boolean,
  thenInZone?: { zone: Resource; run: () => Promise<void> },
): Promise<void> {
  const ends = (c: ResourceConnection) => c.sourceResourceId === resource.id || c.targetResourceId === resource.id;
  const zoneIds = new Set(byZone(await ctx.storage.resourceConnections.listConnectionsOfResource(resource.id)).keys());
  if (thenInZone) zoneIds.add(thenInZone.zone.id);
  const op = DNS_OPERATION.disconnect;
  for (const zoneId of zoneIds) {
    const zoneRow = thenInZone?.zone.id === zoneId ? thenInZone.zone : await ctx.storage.resources.getResource(scopeOf(resource), zoneId);
    if (!zoneRow || zoneRow.resourceType !== 'dns') {
      // A forgotten zone took its records' fate with it: only rows are left to forget.
      const now = ctx.clock.now();
      for (const c of (await ctx.storage.resourceConnections.listConnectionsOfZone(zoneId)).filter(ends)) await ctx.storage.resourceConnections.softDeleteResourceConnection(c.id, now);
      continue;
    }
    await withZoneLock(ctx, zoneRow, op, async (currentZone) => {
      const current = (await ctx.storage.resourceConnections.listConnectionsOfZone(zoneId)).filter(ends);
      const zone = fromCloud && current.length > 0 ? await openZone(ctx, project, currentZone, op) : null;
      await disconnectConnections(ctx, zone, zoneId, current);
      if (thenInZone?.zone.id === zoneId) await thenInZone.run();
    });
  }
}
