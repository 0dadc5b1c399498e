import { createHash } from 'node:crypto';
import { WRITABLE_RECORD_TYPES, toFqdn, txtWireForm, withoutRootDot } from '@cloudlink/engine';
import type { RecordSet, WritableRecordType } from '@cloudlink/engine';

/** A Cloud DNS `ResourceRecordSet` as the REST API sends and takes it (the fields this package uses). */
export interface CloudDnsRrset {
  readonly kind?: string;
  readonly name: string;
  readonly type: string;
  readonly ttl?: number;
  readonly rrdatas?: readonly string[];
  /** Routing policies (geo, weighted round robin, failover): listed, never written here. */
  readonly routingPolicy?: unknown;
}

/** A Cloud DNS `ManagedZone` (the fields this package uses). */
export interface CloudDnsManagedZone {
  readonly name: string;
  readonly dnsName: string;
  readonly description?: string;
  readonly nameServers?: readonly string[];
  readonly visibility?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * What Cloud DNS supports and allows, as data (see docs/batching.md; Google's "Cloud DNS quotas and
 * limits": record set additions and deletions per change 1 000 each, resource record data per change
 * 100 000 bytes, records per record set 100). The change limits are system limits, not per-project
 * quotas, so they are declared here rather than configured.
 */
export const CLOUDDNS_FEATURES = {
  recordTypes: WRITABLE_RECORD_TYPES satisfies readonly WritableRecordType[],
  /** Cloud DNS refuses a CNAME at the apex (it would sit beside the zone's NS and SOA). */
  apexCname: false,
  createsZones: true,
  aliasRecords: false,
  proxy: false,
  batchLimits: {
    /** Record sets added by one `changes.create`. */
    additionsPerChange: 1000,
    /** Record sets deleted by one `changes.create`. */
    deletionsPerChange: 1000,
    /** Bytes of rrdata (every value of every added and deleted set, UTF-8) in one `changes.create`. */
    rrdataBytesPerChange: 100_000,
    /** Values of one record set. */
    recordsPerRrset: 100,
  },
  /** `rrsets.list` page size (`maxResults`) by default and at most. */
  defaultPageSize: 1000,
  maxPageSize: 1000,
} as const;

/** Canonical record set → the rrset Cloud DNS takes: the same FQDN and wire values (TXT quoted, MX/SRV/CAA master-file text). */
export function toRrset(set: RecordSet): CloudDnsRrset {
  // A canonical set written here always has a TTL; null only marks Route 53 alias sets.
  return { kind: 'dns#resourceRecordSet', name: toFqdn(set.name), type: set.type, ttl: set.ttl ?? 300, rrdatas: [...set.values] };
}

/** One listed rrdata → its canonical wire value. */
function wireValue(type: string, value: string): string {
  switch (type) {
    case 'TXT':
      // Cloud DNS keeps TXT data as written; data written unquoted elsewhere is one string.
      return value.startsWith('"') ? value : txtWireForm(value);
    case 'AAAA':
      return value.toLowerCase();
    default:
      return value;
  }
}

/** A listed rrset → canonical form; routing-policy sets are flagged, never dropped. */
export function fromRrset(rrset: CloudDnsRrset): RecordSet {
  const values = (rrset.rrdatas ?? []).map((v) => wireValue(rrset.type, v));
  return {
    name: toFqdn(rrset.name.toLowerCase()),
    type: rrset.type,
    ttl: rrset.ttl ?? null,
    values,
    ...(rrset.routingPolicy !== undefined ? { routingPolicy: true } : {}),
  };
}

/** `name type` of a set, the key changes are tracked by (name absolute, lower-case). */
export function rrsetKey(name: string, type: string): string {
  return `${toFqdn(name.toLowerCase())} ${type}`;
}

/** Size of a set's values in rrdata bytes. */
export function rrdataBytes(values: readonly string[]): number {
  return values.reduce((sum, v) => sum + Buffer.byteLength(v, 'utf8'), 0);
}

const MAX_ZONE_NAME = 63;
const HASH_LENGTH = 10;

/**
 * The managed zone name this product gives a domain, deterministic so a resend finds the zone an
 * earlier attempt made: `cl-<domain as letters, digits and dashes>-<10 hex of its SHA-256>`, at most
 * 63 characters, starting with a letter and ending with a letter or digit (Cloud DNS's rules).
 * The hash keeps names of different domains apart when the readable part is cut or folded.
 */
export function managedZoneNameFor(domainName: string): string {
  const domain = withoutRootDot(domainName.toLowerCase());
  const hash = createHash('sha256').update(domain).digest('hex').slice(0, HASH_LENGTH);
  const room = MAX_ZONE_NAME - 'cl-'.length - 1 - HASH_LENGTH;
  // After folding runs of other characters into one dash, at most one dash leads and one trails.
  let slug = domain.replace(/[^a-z0-9]+/g, '-').slice(0, room);
  if (slug.startsWith('-')) slug = slug.slice(1);
  if (slug.endsWith('-')) slug = slug.slice(0, -1);
  return slug ? `cl-${slug}-${hash}` : `cl-${hash}`;
}

/** A label value Cloud DNS accepts (lower-case letters, digits, `_` and `-`, at most 63): the caller reference when it is one, else its hash. */
export function labelValue(text: string): string {
  return /^[a-z0-9_-]{0,63}$/.test(text) ? text : `h-${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}
