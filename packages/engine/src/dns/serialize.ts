import type { Environment, Project, Resource } from '../domain/records.js';
import type { ScopeRef } from '../responses/common.js';
import type { ZoneObject } from '../responses/dns.js';
import type { ResourceObject } from '../responses/resources.js';
import { DNS_PROVIDER_IDS, type DnsProviderId } from '../ports/dns.js';

export type { ResourceObject, ZoneObject };

/**
 * The zone and resource objects of the REST API, built from the stored resource row. `secret_data`
 * never appears here. A dns resource's `metadata` holds `provider, domainName, hostedZoneId,
 * nameServers, comment, dns_active, adopted` and, for Azure DNS, `azureResourceGroup`.
 */

/** What a dns resource keeps in `metadata`. */
export interface ZoneMetadata {
  readonly provider: DnsProviderId;
  readonly domainName: string;
  readonly hostedZoneId: string;
  readonly nameServers: readonly string[];
  readonly comment: string | null;
  readonly dns_active: boolean;
  /**
   * True for a Route 53 hosted zone that existed before cloudlink took it over (see
   * docs/records.md#adopting-an-existing-hosted-zone): its records are foreign, and deleting the zone
   * removes only ours, never the hosted zone. False for zones cloudlink created and for Cloudflare
   * zones (imported by nature: their delete rule is the provider's, see docs/records.md#zones).
   */
  readonly adopted: boolean;
  /** Azure DNS only: the resource group the zone lives in, chosen at create and used for every later call. */
  readonly azureResourceGroup?: string;
}

const iso = (d: Date) => d.toISOString();

/** Read a dns resource's metadata defensively (old or hand-edited rows). */
export function zoneMetadata(r: Resource): ZoneMetadata {
  const m = r.metadata as Partial<ZoneMetadata>;
  return {
    // Rows written before the other providers existed have only these two; anything unknown reads as Route 53.
    provider: (DNS_PROVIDER_IDS as readonly unknown[]).includes(m.provider) ? (m.provider as DnsProviderId) : 'route53',
    domainName: typeof m.domainName === 'string' ? m.domainName : (r.domainName ?? ''),
    hostedZoneId: typeof m.hostedZoneId === 'string' ? m.hostedZoneId : (r.resourceId ?? ''),
    nameServers: Array.isArray(m.nameServers) ? m.nameServers.filter((s): s is string => typeof s === 'string') : [],
    comment: typeof m.comment === 'string' ? m.comment : null,
    dns_active: m.dns_active === true,
    adopted: m.adopted === true,
    ...(m.provider === 'azuredns' && typeof m.azureResourceGroup === 'string' ? { azureResourceGroup: m.azureResourceGroup } : {}),
  };
}

function position(r: Resource) {
  return r.positionX === null || r.positionY === null ? null : { x: r.positionX, y: r.positionY };
}

/** The zone object. */
export function serializeZone(r: Resource): ZoneObject {
  const m = zoneMetadata(r);
  return {
    id: r.id,
    name: r.name,
    provider: m.provider,
    domainName: m.domainName,
    hostedZoneId: m.hostedZoneId,
    nameServers: [...m.nameServers],
    comment: m.comment,
    status: r.status,
    position: position(r),
    metadata: { dns_active: m.dns_active, adopted: m.adopted, ...(m.azureResourceGroup !== undefined ? { azureResourceGroup: m.azureResourceGroup } : {}) },
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

/** `{id, slug, name}` of a project or environment. */
export function scopeRef(x: Project | Environment): ScopeRef {
  return { id: x.id, slug: x.slug, name: x.name };
}

/** The resource object. */
export function serializeResource(r: Resource, project: Project, environment: Environment): ResourceObject {
  return {
    id: r.id,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    name: r.name,
    project: scopeRef(project),
    environment: scopeRef(environment),
    region: r.region,
    status: r.status,
    metadata: { ...r.metadata },
    position: position(r),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}
