import type { Resource } from '../domain/records.js';

/**
 * Where a host resource is reached, for DNS (see docs/resources.md#dns-targets), in its normalised
 * stored form (`metadata.dnsTarget`): addresses are A/AAAA wire forms, host names lower-case and
 * absolute (trailing dot), an alias carries the hosted-zone id that belongs to its endpoint.
 */
export type DnsTarget =
  | { readonly addresses: readonly string[] }
  | { readonly hostname: string }
  | {
      readonly alias: {
        readonly dnsName: string;
        readonly hostedZoneId: string;
        readonly evaluateTargetHealth: boolean;
        readonly dualStack: boolean;
      };
    };

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The stored DNS target of a resource, or null (none, or a row whose metadata is not one: read defensively). */
export function dnsTargetOf(resource: Resource): DnsTarget | null {
  const t = resource.metadata.dnsTarget as Record<string, unknown> | null | undefined;
  if (typeof t !== 'object' || t === null) return null;
  if (isStringArray(t.addresses) && t.addresses.length > 0) return { addresses: t.addresses };
  if (typeof t.hostname === 'string') return { hostname: t.hostname };
  const a = t.alias as Record<string, unknown> | null | undefined;
  if (typeof a === 'object' && a !== null && typeof a.dnsName === 'string' && typeof a.hostedZoneId === 'string') {
    return {
      alias: { dnsName: a.dnsName, hostedZoneId: a.hostedZoneId, evaluateTargetHealth: a.evaluateTargetHealth === true, dualStack: a.dualStack === true },
    };
  }
  return null;
}
