import type { Resource, ResourceConnection } from '../domain/records.js';
import { zoneMetadata } from '../dns/serialize.js';
import type { SubdomainObject } from '../responses/resources.js';

export type { SubdomainObject };

/**
 * The subdomain object of docs/resources.md#subdomains, built from the stored subdomain row, its
 * zone and the resource connection it is the source of (if any).
 */

const iso = (d: Date) => d.toISOString();

/** The connection a subdomain points through: the one whose source it is (a subdomain has at most one). */
export function connectionOfSubdomain(subdomainId: number, connections: readonly ResourceConnection[]): ResourceConnection | null {
  return connections.find((c) => c.sourceResourceId === subdomainId) ?? null;
}

/** `zone` is null only for a row whose zone is gone (zone deletes soft-delete their subdomains with them). */
export function serializeSubdomain(sub: Resource, zone: Resource | null, connection: ResourceConnection | null): SubdomainObject {
  const meta = zone ? zoneMetadata(zone) : null;
  return {
    id: sub.id,
    name: sub.name,
    fqdn: sub.domainName ?? '',
    zone: zone && meta ? { id: zone.id, domainName: meta.domainName, provider: meta.provider } : null,
    connection: connection ? { id: connection.id, targetId: connection.targetResourceId, status: connection.status } : null,
    createdAt: iso(sub.createdAt),
    updatedAt: iso(sub.updatedAt),
  };
}
