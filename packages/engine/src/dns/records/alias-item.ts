import type { AliasTarget, DnsProviderId } from '../../ports/dns.js';
import { awsAliasTarget, MAX_HOSTED_ZONE_ID_LENGTH } from './aws-alias-targets.js';
import { MAX_NAME_LENGTH, tooLong } from './limits.js';
import { normalizeRecordName } from './names.js';

/**
 * The `alias` and `proxied` fields of a record item (docs/records.md#alias-items,
 * docs/records.md#proxied-records): provider-specific, so they are checked against the zone they
 * are written to.
 */

/** The zone an item is checked against: its provider decides whether `alias` or `proxied` apply. */
export interface RecordZone {
  readonly provider: DnsProviderId;
  /** The zone's own hosted-zone id: the `hostedZoneId` of an alias to a name inside it. */
  readonly hostedZoneId: string;
}

/** Types that can be Route 53 aliases through this API. */
export const ALIAS_TYPES: readonly string[] = ['A', 'AAAA'];
/** Types Cloudflare can proxy. */
export const PROXIABLE_TYPES: readonly string[] = ['A', 'AAAA', 'CNAME'];
/** Cloudflare's TTL of a proxied record: always 1, "automatic". */
export const PROXIED_TTL = 1;

type AddIssue = (field: string, message: string) => void;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `alias.target` inside the zone: `@` or an absolute name in it (trailing dot optional); null when not one. */
function inZoneTarget(target: string, zoneDomain: string): string | null {
  const bare = (target.endsWith('.') ? target.slice(0, -1) : target).toLowerCase();
  if (target !== '@' && bare !== zoneDomain && !bare.endsWith(`.${zoneDomain}`)) return null;
  const r = normalizeRecordName(target === '@' ? '@' : `${bare}.`, zoneDomain);
  return r.ok ? r.fqdn : null;
}

/**
 * Check `alias` of an item named `name` of type `type` (both null when invalid). Issues go through
 * `add` with paths under `alias`; returns the target or null.
 */
export function checkAlias(raw: unknown, name: string | null, type: string | null, zoneDomain: string, zone: RecordZone | undefined, add: AddIssue): AliasTarget | null {
  if (!isObject(raw)) {
    add('alias', 'must be an object');
    return null;
  }
  if (zone?.provider !== 'route53') {
    add('alias', 'alias records exist only in Route 53 zones');
    return null;
  }
  if (type !== null && !ALIAS_TYPES.includes(type)) {
    add('alias', `${type} records cannot be aliases here; use A or AAAA`);
    return null;
  }
  let evaluateTargetHealth = false;
  if (raw.evaluateTargetHealth !== undefined && raw.evaluateTargetHealth !== null) {
    if (typeof raw.evaluateTargetHealth !== 'boolean') add('alias.evaluateTargetHealth', 'must be a boolean');
    else evaluateTargetHealth = raw.evaluateTargetHealth;
  }
  let given: string | undefined;
  if (raw.hostedZoneId !== undefined && raw.hostedZoneId !== null) {
    if (typeof raw.hostedZoneId !== 'string') add('alias.hostedZoneId', 'must be a string');
    else if (raw.hostedZoneId.length > MAX_HOSTED_ZONE_ID_LENGTH) add('alias.hostedZoneId', tooLong(MAX_HOSTED_ZONE_ID_LENGTH));
    else given = raw.hostedZoneId;
  }
  const target = raw.target;
  if (target === undefined || target === null) {
    add('alias.target', 'required');
    return null;
  }
  if (typeof target !== 'string') {
    add('alias.target', 'must be a string');
    return null;
  }
  if (target.length > MAX_NAME_LENGTH + 1) {
    add('alias.target', tooLong(MAX_NAME_LENGTH));
    return null;
  }
  const aws = awsAliasTarget(target, given);
  if (aws.ok) return { hostedZoneId: aws.hostedZoneId, dnsName: aws.dnsName, evaluateTargetHealth };
  if (aws.field === 'hostedZoneId') {
    add('alias.hostedZoneId', aws.message);
    return null;
  }
  const inZone = inZoneTarget(target, zoneDomain);
  if (inZone === null) {
    add('alias.target', `must be an AWS endpoint (S3 website, CloudFront, load balancer) or a name in zone ${zoneDomain}`);
    return null;
  }
  if (given !== undefined && given.toUpperCase() !== zone.hostedZoneId.toUpperCase()) {
    add('alias.hostedZoneId', `must be ${zone.hostedZoneId} (this zone) for a target inside the zone`);
    return null;
  }
  if (inZone === name) {
    add('alias.target', 'an alias cannot point at itself');
    return null;
  }
  return { hostedZoneId: zone.hostedZoneId, dnsName: inZone, evaluateTargetHealth };
}

/**
 * Check `proxied` of an item of type `type`: only Cloudflare zones proxy, and only some types.
 * `false` is DNS-only, what every provider does anyway, so a client may send it to any zone.
 */
export function checkProxied(raw: unknown, type: string | null, zone: RecordZone | undefined, add: AddIssue): boolean | null {
  if (typeof raw !== 'boolean') {
    add('proxied', 'must be a boolean');
    return null;
  }
  if (raw && zone?.provider !== 'cloudflare') {
    add('proxied', 'applies only to Cloudflare zones');
    return null;
  }
  if (raw && type !== null && !PROXIABLE_TYPES.includes(type)) {
    add('proxied', `${type} records cannot be proxied`);
    return null;
  }
  return raw;
}
