/**
 * The state and rules of the fake Route 53: hosted zones, record sets in Route 53 order, and the
 * ChangeResourceRecordSets validation the real service applies (all-or-nothing batches, batch
 * limits with UPSERT counted twice, CREATE of an existing set, DELETE that must match exactly).
 */
import { awsAliasTarget } from '@cloudlink/engine';
import { ROUTE53_FEATURES } from '@cloudlink/providers/aws';

export interface FakeRrset {
  name: string;
  type: string;
  ttl?: number;
  values: string[];
  /** An alias set (written or seeded): no TTL, no values. Routing-policy fields are seeded only. */
  aliasTarget?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  setIdentifier?: string;
  weight?: number;
}

export interface FakeZone {
  id: string;
  name: string;
  callerReference: string;
  comment?: string;
  /** A private hosted zone (Config/PrivateZone): listed by name like any other. */
  privateZone?: boolean;
  nameServers: string[];
  rrsets: Map<string, FakeRrset>;
}

export interface FakeChange {
  action: string;
  rrset: FakeRrset;
}

/** A Route 53 rule violation: the HTTP status, error code and message the real service sends. */
export class Route53FakeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Absolute, lower-case, `*` as itself. */
export function fqdn(name: string): string {
  const lower = name.replace(/\\052/g, '*').toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** Route 53's listing order (see docs/records.md): labels reversed plus a trailing dot, compared as plain strings, then type. */
export function sortKey(name: string, type: string): string {
  return `${fqdn(name).slice(0, -1).split('.').reverse().join('.')}.\u0000${type}`;
}

/** Route 53 escapes `*` as `\052` in listed names. */
export function listedName(name: string): string {
  return name.replace(/\*/g, '\\052');
}

// Route 53's per-request limits, from the one place the provider declares them, so the fake and the
// provider's batch planner cannot drift apart.
const LIMITS = { elements: ROUTE53_FEATURES.batchLimits.resourceRecords, characters: ROUTE53_FEATURES.batchLimits.valueCharacters };

/** The map key of a set: its listing order key, plus the SetIdentifier that tells routing-policy sets of one name and type apart. */
export function rrsetKey(r: Pick<FakeRrset, 'name' | 'type' | 'setIdentifier'>): string {
  return `${sortKey(r.name, r.type)}${r.setIdentifier !== undefined ? `\u0000${r.setIdentifier}` : ''}`;
}

/** Route 53's DELETE rule: the set sent must equal the one held, alias target and routing fields included. */
function sameValues(a: FakeRrset, b: FakeRrset): boolean {
  if (a.ttl !== b.ttl || a.values.length !== b.values.length || a.weight !== b.weight) return false;
  const aliasA = a.aliasTarget ? `${a.aliasTarget.hostedZoneId} ${fqdn(a.aliasTarget.dnsName)} ${a.aliasTarget.evaluateTargetHealth}` : '';
  const aliasB = b.aliasTarget ? `${b.aliasTarget.hostedZoneId} ${fqdn(b.aliasTarget.dnsName)} ${b.aliasTarget.evaluateTargetHealth}` : '';
  if (aliasA !== aliasB) return false;
  const wanted = new Set(a.values);
  return b.values.every((v) => wanted.has(v));
}

function setLabel(r: FakeRrset): string {
  return `[name='${r.name}', type='${r.type}']`;
}

/**
 * Route 53's alias rules, with its messages: a target in the zone itself must be a set of the same
 * type there (the batch so far included); an AWS service zone id must be the endpoint's; any other
 * zone id is refused. No messages when the alias is fine.
 */
function aliasProblems(zone: FakeZone, rrset: FakeRrset, sets: ReadonlyMap<string, FakeRrset>): string[] {
  const alias = rrset.aliasTarget;
  if (!alias) return [];
  const target = fqdn(alias.dnsName);
  const prefix = `Tried to create an alias that targets ${target}, type ${rrset.type} in zone ${alias.hostedZoneId}, but`;
  const outside = `${prefix} the alias target name does not lie within the target zone`;
  const missing = `${prefix} that target was not found`;
  if (alias.hostedZoneId === zone.id) {
    if (target !== zone.name && !target.endsWith(`.${zone.name}`)) return [outside, missing];
    return sets.has(rrsetKey({ name: target, type: rrset.type })) ? [] : [missing];
  }
  return withinServiceZone(alias.hostedZoneId, target) ? [] : [outside, missing];
}

/**
 * Whether `name` is an AWS endpoint (S3 website, CloudFront, load balancer) served from the hosted
 * zone `hostedZoneId`. The engine's table of those zones is the one the fake checks against, so a
 * target the engine fills in is one the fake accepts, and one it would refuse is refused here too.
 */
function withinServiceZone(hostedZoneId: string, name: string): boolean {
  const endpoint = awsAliasTarget(name);
  return endpoint.ok && endpoint.hostedZoneId === hostedZoneId;
}

/**
 * Validate and apply one change batch atomically: every message is collected first, and the zone is
 * touched only when there are none (Route 53 answers all of them in one InvalidChangeBatch).
 */
export function applyChangeBatch(zone: FakeZone, changes: readonly FakeChange[]): void {
  let elements = 0;
  let characters = 0;
  for (const { action, rrset } of changes) {
    const factor = action === 'UPSERT' ? ROUTE53_FEATURES.batchLimits.upsertWeight : 1;
    // An alias sends no ResourceRecord and no Value: Route 53's limits do not count it.
    elements += rrset.values.length * factor;
    characters += rrset.values.reduce((n, v) => n + v.length, 0) * factor;
  }
  if (elements > LIMITS.elements) throw new Route53FakeError(400, 'InvalidChangeBatch', `[Number of records limit of ${LIMITS.elements} exceeded.]`);
  if (characters > LIMITS.characters) {
    throw new Route53FakeError(400, 'InvalidChangeBatch', `[Number of characters in request exceeds the limit of ${LIMITS.characters}.]`);
  }
  const next = new Map(zone.rrsets);
  const messages: string[] = [];
  const seen = new Set<string>();
  for (const { action, rrset: raw } of changes) {
    const rrset = { ...raw, name: fqdn(raw.name), ...(raw.aliasTarget ? { aliasTarget: { ...raw.aliasTarget, dnsName: fqdn(raw.aliasTarget.dnsName) } } : {}) };
    const key = rrsetKey(rrset);
    if (seen.has(key)) messages.push(`The request contains an invalid set of changes for a resource record set '${rrset.type} ${rrset.name}'`);
    seen.add(key);
    if (rrset.name !== zone.name && !rrset.name.endsWith(`.${zone.name}`)) {
      messages.push(`RRSet with DNS name ${rrset.name} is not permitted in zone ${zone.name}`);
      continue;
    }
    const current = next.get(key);
    if (action === 'CREATE' && current) messages.push(`Tried to create resource record set ${setLabel(rrset)} but it already exists`);
    else if (action === 'DELETE' && !current) messages.push(`Tried to delete resource record set ${setLabel(rrset)} but it was not found`);
    else if (action === 'DELETE' && current && !sameValues(rrset, current)) {
      messages.push(`Tried to delete resource record set ${setLabel(rrset)} but the values provided do not match the current values`);
    } else if (action === 'DELETE') next.delete(key);
    else if (action === 'CREATE' || action === 'UPSERT') {
      const conflict = [...next.values()].find(
        (r) => r.name === rrset.name && r.type !== rrset.type && (r.type === 'CNAME' || rrset.type === 'CNAME'),
      );
      const problems = aliasProblems(zone, rrset, next);
      if (conflict) {
        messages.push(
          `RRSet of type ${rrset.type} with DNS name ${rrset.name} is not permitted because a conflicting RRSet of type ${conflict.type} with the same DNS name already exists in zone ${zone.name}`,
        );
      } else if (problems.length > 0) messages.push(...problems);
      else next.set(key, rrset);
    } else messages.push(`Invalid action ${action}`);
  }
  if (messages.length > 0) throw new Route53FakeError(400, 'InvalidChangeBatch', `[${messages.join(', ')}]`);
  zone.rrsets = new Map([...next.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The keys of a zone's map, in its (sorted) insertion order, computed once per map: the fake replaces
 * `zone.rrsets` with a freshly sorted map on every change instead of editing it, and the size check
 * catches a map edited in place.
 */
const keysOfMap = new WeakMap<Map<string, FakeRrset>, string[]>();
function sortedKeys(map: Map<string, FakeRrset>): string[] {
  let keys = keysOfMap.get(map);
  if (!keys || keys.length !== map.size) {
    keys = [...map.keys()];
    keysOfMap.set(map, keys);
  }
  return keys;
}

/** One ListResourceRecordSets page starting at (name, type), in Route 53 order. */
export function listPage(
  zone: FakeZone,
  start: { name?: string | undefined; type?: string | undefined; identifier?: string | undefined },
  maxItems: number,
): { sets: FakeRrset[]; next?: { name: string; type: string; setIdentifier?: string } } {
  // Routing-policy variants of one name and type continue by SetIdentifier, as on Route 53.
  const from = start.name ? rrsetKey({ name: start.name, type: start.type ?? '', ...(start.identifier ? { setIdentifier: start.identifier } : {}) }) : '';
  // A binary search into the sorted keys: a full listing costs one pass over the zone, not one per page.
  const keys = sortedKeys(zone.rrsets);
  let lo = 0;
  for (let hi = keys.length; lo < hi; ) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < from) lo = mid + 1;
    else hi = mid;
  }
  const sets = keys.slice(lo, lo + maxItems).map((k) => zone.rrsets.get(k) as FakeRrset);
  const followingKey = keys[lo + maxItems];
  const following = followingKey === undefined ? undefined : zone.rrsets.get(followingKey);
  if (!following) return { sets };
  return { sets, next: { name: following.name, type: following.type, ...(following.setIdentifier ? { setIdentifier: following.setIdentifier } : {}) } };
}

/** Whether the zone holds anything but its apex NS and SOA (DeleteHostedZone refuses then). */
export function holdsRecords(zone: FakeZone): boolean {
  return [...zone.rrsets.values()].some((r) => !(r.name === zone.name && (r.type === 'NS' || r.type === 'SOA')));
}

/** Keep `zone.rrsets` sorted after direct seeding. */
export function seedRrsets(zone: FakeZone, sets: readonly FakeRrset[]): void {
  for (const set of sets) zone.rrsets.set(rrsetKey({ ...set, name: fqdn(set.name) }), { ...set, name: fqdn(set.name) });
  zone.rrsets = new Map([...zone.rrsets.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
