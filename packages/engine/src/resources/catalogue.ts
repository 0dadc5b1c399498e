import { RESOURCE_SUBTYPES } from '../dns/schemas.js';

/**
 * The resource-type catalogue (see docs/resources.md): every documented type, and what each may
 * do. `RESOURCE_SUBTYPES` is the one list of type names; this table only adds facts about them, so a
 * type added there without a row here fails to compile.
 */

export type ResourceType = (typeof RESOURCE_SUBTYPES)[number];

export interface ResourceTypeEntry {
  /** Registered by the host through `POST …/resources`; `dns` and `subdomain` have routes of their own. */
  readonly hostRegistrable: boolean;
  /** May carry a `dnsTarget` and so be the target of a resource connection. */
  readonly dnsTarget: boolean;
}

/** A host resource that is reached over the network (it has an address or a host name). */
const REACHABLE: ResourceTypeEntry = { hostRegistrable: true, dnsTarget: true };

export const RESOURCE_CATALOGUE: { readonly [T in ResourceType]: ResourceTypeEntry } = {
  instance: REACHABLE,
  scalable_server: REACHABLE,
  runtime: REACHABLE,
  application: REACHABLE,
  database: REACHABLE,
  cache_server: REACHABLE,
  function: REACHABLE,
  storage_bucket: REACHABLE,
  static_website: REACHABLE,
  // A set of rules in front of other resources: nothing to point a name at.
  firewall: { hostRegistrable: true, dnsTarget: false },
  dns: { hostRegistrable: false, dnsTarget: false },
  subdomain: { hostRegistrable: false, dnsTarget: false },
  terminal: REACHABLE,
  bucket_explorer: REACHABLE,
  ide: REACHABLE,
  db_monitor: REACHABLE,
  utility: REACHABLE,
};

/** Every catalogue type, in the documented order. */
export const RESOURCE_TYPES: readonly ResourceType[] = RESOURCE_SUBTYPES;

/** The types `POST …/resources` registers, in the documented order. */
export const HOST_RESOURCE_TYPES = RESOURCE_SUBTYPES.filter((t): t is HostResourceType => RESOURCE_CATALOGUE[t].hostRegistrable);
export type HostResourceType = Exclude<ResourceType, 'dns' | 'subdomain'>;

export function isResourceType(type: string): type is ResourceType {
  return Object.hasOwn(RESOURCE_CATALOGUE, type);
}

/** Whether a stored resource of `type` is one the host registers (and so updates and deletes with `canRegisterResources`). */
export function isHostResourceType(type: string): type is HostResourceType {
  return isResourceType(type) && RESOURCE_CATALOGUE[type].hostRegistrable;
}

/** Whether a resource of `type` may carry a DNS target (unknown types may not). */
export function canBeDnsTarget(type: string): boolean {
  return isResourceType(type) && RESOURCE_CATALOGUE[type].dnsTarget;
}

/**
 * `counts` of `GET …/resources`: one key per catalogue type (0 when none) plus `total`, the sum of
 * every active resource of the environment whatever its type.
 */
export function resourceCounts(byType: Readonly<Record<string, number>>): Record<ResourceType | 'total', number> {
  const counts = Object.fromEntries(RESOURCE_TYPES.map((t) => [t, Object.hasOwn(byType, t) ? (byType[t] ?? 0) : 0])) as Record<ResourceType | 'total', number>;
  counts.total = Object.values(byType).reduce((sum, n) => sum + n, 0);
  return counts;
}
