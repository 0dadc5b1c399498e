import type { ConnectionRecordSet } from '../../domain/records.js';
import { invalidField } from '../../errors/index.js';
import { toFqdn, txtWireForm } from '../../dns/records/index.js';
import type { DnsProviderCapabilities } from '../../ports/dns.js';
import type { DnsTarget } from '../dns-target.js';

/**
 * The record sets a `dns` connection writes (see docs/resources.md#dns-targets): the target's
 * records at the subdomain's name, plus TXT `_gateways_app.<name>` = `"installed"` that sync checks.
 * Pure: the same target, name, zone and options always give the same sets, so a retry or a re-point
 * can tell what it wrote by comparing.
 */

/** What a connection's records are built with (`ttl`, `proxied`), as stored in its `options`. */
export interface ConnectionOptions {
  readonly ttl: number;
  readonly proxied: boolean;
}

export const DEFAULT_CONNECTION_TTL = 300;
export const VERIFICATION_LABEL = '_gateways_app';
/** The logical text of the verification TXT record. */
export const VERIFICATION_TEXT = 'installed';

/** Where the records go: the subdomain's FQDN and the zone it lives in. */
export interface ConnectionPlace {
  /** Lower-case FQDN, with or without the trailing dot. */
  readonly fqdn: string;
  /** The zone's domain (no trailing dot). */
  readonly zoneDomain: string;
  readonly capabilities: Pick<DnsProviderCapabilities, 'apexCname' | 'aliasRecords' | 'proxy'>;
}

const ipv6 = (address: string) => address.includes(':');

/** `proxied` is refused where the zone or the target type cannot have it; the issue names the field. */
function checkProxied(target: DnsTarget, place: ConnectionPlace, options: ConnectionOptions): void {
  if (!options.proxied) return;
  if (!place.capabilities.proxy) throw invalidField('proxied', 'only Cloudflare zones can proxy records');
  if ('alias' in target) throw invalidField('proxied', 'only addresses or hostname targets can be proxied');
}

/** The record sets of one connection, target records first, then the verification TXT. */
export function connectionRecordSets(target: DnsTarget, place: ConnectionPlace, options: ConnectionOptions): ConnectionRecordSet[] {
  checkProxied(target, place, options);
  const name = toFqdn(place.fqdn);
  const apex = name === toFqdn(place.zoneDomain);
  const { ttl } = options;
  // Cloudflare sets say whether they are proxied; TXT never is.
  const proxiedField = place.capabilities.proxy ? { proxied: options.proxied } : {};
  const sets: ConnectionRecordSet[] = [];
  if ('addresses' in target) {
    const v4 = target.addresses.filter((a) => !ipv6(a));
    const v6 = target.addresses.filter(ipv6);
    if (v4.length > 0) sets.push({ name, type: 'A', ttl, values: v4, ...proxiedField });
    if (v6.length > 0) sets.push({ name, type: 'AAAA', ttl, values: v6, ...proxiedField });
  } else if ('hostname' in target) {
    if (apex && !place.capabilities.apexCname) {
      throw invalidField('targetId', 'a hostname target cannot be connected at the zone apex on Route 53 (a CNAME is not allowed there); use an alias target');
    }
    sets.push({ name, type: 'CNAME', ttl, values: [toFqdn(target.hostname)], ...proxiedField });
  } else if (place.capabilities.aliasRecords) {
    const dnsName = toFqdn(target.alias.dnsName);
    const alias = { hostedZoneId: target.alias.hostedZoneId, dnsName, evaluateTargetHealth: target.alias.evaluateTargetHealth };
    sets.push({ name, type: 'A', ttl: null, values: [dnsName], alias });
    if (target.alias.dualStack) sets.push({ name, type: 'AAAA', ttl: null, values: [dnsName], alias });
  } else {
    // Elsewhere an AWS endpoint is reached by name; Cloudflare flattens the CNAME at the apex.
    if (apex && !place.capabilities.apexCname) throw invalidField('targetId', 'an alias target cannot be connected at the apex of this zone');
    sets.push({ name, type: 'CNAME', ttl, values: [toFqdn(target.alias.dnsName)], ...proxiedField });
  }
  sets.push({ name: `${VERIFICATION_LABEL}.${name}`, type: 'TXT', ttl, values: [txtWireForm(VERIFICATION_TEXT)] });
  return sets;
}
