import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { WRITABLE_RECORD_TYPES, withoutRootDot } from '@cloudlink/engine';
import type { RecordSet, WritableRecordType } from '@cloudlink/engine';

/**
 * What Route 53 supports, as data (see docs/records.md): the eight writable types, NS/SOA listed only,
 * alias sets written and listed, routing-policy sets listed but never written, no CNAME at the apex,
 * no proxy.
 */
export const ROUTE53_FEATURES = {
  recordTypes: WRITABLE_RECORD_TYPES satisfies readonly WritableRecordType[],
  listedOnlyTypes: ['NS', 'SOA'],
  aliasSets: 'written',
  routingPolicySets: 'listed',
  apexCname: false,
  proxy: false,
  /**
   * ChangeResourceRecordSets limits (see docs/batching.md): an UPSERT counts each element and character
   * twice. An alias change carries no ResourceRecord and no Value, so Route 53's two limits do not
   * count it; it counts here as `aliasElements` elements and no characters, so a batch of aliases
   * stays bounded (500 alias UPSERTs per call) rather than unlimited.
   */
  batchLimits: { resourceRecords: 1000, valueCharacters: 32_000, upsertWeight: 2, aliasElements: 1 },
  /** ListResourceRecordSets page size ceiling. */
  maxPageSize: 300,
} as const;

/** The fields that make a record set a routing-policy set (weighted, latency, geo, failover, multivalue, CIDR). */
const ROUTING_POLICY_FIELDS = [
  'SetIdentifier',
  'Weight',
  'Region',
  'GeoLocation',
  'Failover',
  'MultiValueAnswer',
  'CidrRoutingConfig',
  'GeoProximityLocation',
] as const satisfies readonly (keyof ResourceRecordSet)[];

/**
 * Route 53 escapes characters outside `[a-z0-9-_.]` in listed names as `\ooo` octal (`*` → `\052`).
 * Canonical names show the character itself.
 */
export function decodeRoute53Name(name: string): string {
  return name.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))).toLowerCase();
}

/**
 * The listed `ResourceRecordSet` behind each canonical set this module produced. A DELETE must match
 * the set Route 53 holds exactly — alias target, SetIdentifier, Weight, HealthCheckId, … — which the
 * canonical form does not carry; a set passed back as listed (emptying a zone, exact-match delete)
 * is therefore sent as Route 53 listed it.
 */
const listedSets = new WeakMap<RecordSet, ResourceRecordSet>();

/** Canonical record set → the `ResourceRecordSet` of a ChangeResourceRecordSets change. */
export function toRoute53RecordSet(set: RecordSet): ResourceRecordSet {
  const listed = listedSets.get(set);
  if (listed) return { ...listed };
  if (set.alias) {
    const { hostedZoneId, dnsName, evaluateTargetHealth } = set.alias;
    return { Name: set.name, Type: set.type as ResourceRecordSet['Type'], AliasTarget: { HostedZoneId: hostedZoneId, DNSName: dnsName, EvaluateTargetHealth: evaluateTargetHealth } };
  }
  return {
    Name: set.name,
    Type: set.type as ResourceRecordSet['Type'],
    // A canonical set written here always has a TTL; null only marks listed alias sets.
    TTL: set.ttl ?? 300,
    ResourceRecords: set.values.map((Value) => ({ Value })),
  };
}

/** A listed `ResourceRecordSet` → canonical form (alias and routing-policy sets are flagged, never dropped). */
export function fromRoute53RecordSet(rrset: ResourceRecordSet): RecordSet {
  const set = canonicalOf(rrset);
  listedSets.set(set, rrset);
  return set;
}

function canonicalOf(rrset: ResourceRecordSet): RecordSet {
  const name = decodeRoute53Name(rrset.Name ?? '');
  const type = String(rrset.Type ?? '');
  const routingPolicy = ROUTING_POLICY_FIELDS.some((field) => rrset[field] !== undefined);
  const base = routingPolicy ? { routingPolicy: true } : {};
  if (rrset.AliasTarget) {
    const dnsName = decodeRoute53Name(rrset.AliasTarget.DNSName ?? '');
    return {
      ...base,
      name,
      type,
      ttl: null,
      values: [dnsName],
      alias: {
        hostedZoneId: rrset.AliasTarget.HostedZoneId ?? '',
        dnsName,
        evaluateTargetHealth: rrset.AliasTarget.EvaluateTargetHealth ?? false,
      },
    };
  }
  return {
    ...base,
    name,
    type,
    ttl: rrset.TTL ?? null,
    values: (rrset.ResourceRecords ?? []).map((r) => r.Value ?? ''),
  };
}

/** Strip the `/hostedzone/` or `/change/` prefix Route 53 puts on ids. */
export function bareId(id: string | undefined): string {
  return (id ?? '').replace(/^\/(hostedzone|change|delegationset)\//, '');
}

/** `example.com.` → `example.com` (zone names are kept without the trailing dot). */
export function zoneDomainName(name: string | undefined): string {
  return withoutRootDot(decodeRoute53Name(name ?? ''));
}
