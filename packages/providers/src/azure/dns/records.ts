import type { RecordSet as AzureRecordSet } from '@azure/arm-dns';
import { WRITABLE_RECORD_TYPES, absoluteName, parseTxtStrings, relativeName, toFqdn, txtWireForm, withoutRootDot } from '@cloudlink/engine';
import type { RecordSet, WritableRecordType } from '@cloudlink/engine';

/** What Azure DNS supports, as data (see docs/azure-dns.md). */
export const AZUREDNS_FEATURES = {
  recordTypes: WRITABLE_RECORD_TYPES satisfies readonly WritableRecordType[],
  /** Azure refuses a CNAME at the zone apex (alias record sets aside, which are not written here). */
  apexCname: false,
  createsZones: true,
  aliasRecords: false,
  proxy: false,
  /**
   * Azure DNS has no batch API: every change is one `RecordSets.createOrUpdate` or
   * `RecordSets.delete` call, so a "batch" holds one change.
   */
  changesPerCall: 1,
  /** `$top` of a record set listing when the caller gives no page size; Azure's own default. */
  defaultPageSize: 100,
  /** The largest `$top` this provider sends (the `pageSize` option's bound). */
  maxPageSize: 1000,
  /** Records per record set Azure accepts. */
  maxRecordsPerSet: 20,
  /** Length of one string of a TXT record. */
  txtChunk: 255,
  /** Where new zones go (`location` of the zone resource); DNS zones are global. */
  zoneLocation: 'global',
} as const;

/** A record set the canonical form cannot be written as: the caller's input is at fault. */
export class AzureRecordShapeError extends TypeError {}

/** Split a wire value into `count` fields: the first `count - 1` at whitespace, the last kept verbatim. */
function fields(value: string, count: number, type: string): string[] {
  const out: string[] = [];
  let rest = value.trim();
  for (let i = 0; i < count - 1; i++) {
    const match = /^(\S+)\s+/.exec(rest);
    if (!match) throw new AzureRecordShapeError(`${type} value "${value}" is not in wire form`);
    out.push(match[1] ?? '');
    rest = rest.slice(match[0].length);
  }
  if (rest === '') throw new AzureRecordShapeError(`${type} value "${value}" is not in wire form`);
  return [...out, rest];
}

function integer(text: string, type: string): number {
  if (!/^\d{1,10}$/.test(text)) throw new AzureRecordShapeError(`${type} field "${text}" is not a number`);
  return Number(text);
}

/** The strings of one TXT wire value, each cut to at most 255 characters (Azure keeps them as an array). */
export function txtChunks(wire: string): string[] {
  const strings = parseTxtStrings(wire);
  if (strings === null) throw new AzureRecordShapeError(`TXT value ${wire} is not in wire form`);
  const out: string[] = [];
  for (const s of strings) {
    if (s.length <= AZUREDNS_FEATURES.txtChunk) out.push(s);
    else for (let i = 0; i < s.length; i += AZUREDNS_FEATURES.txtChunk) out.push(s.slice(i, i + AZUREDNS_FEATURES.txtChunk));
  }
  return out;
}

/** Azure's TXT strings → the canonical wire form: each string quoted (cut at 255), joined by one space. */
export function txtFromChunks(strings: readonly string[]): string {
  if (strings.length === 0) return '""';
  return strings.map((s) => txtWireForm(s)).join(' ');
}

/** The record set name Azure uses in its URLs and `name` field: relative to the zone, `@` for the apex. */
export function azureRelativeName(fqdn: string, zoneDomain: string): string {
  const name = withoutRootDot(fqdn.toLowerCase());
  const zone = zoneDomain.toLowerCase();
  if (name !== zone && !name.endsWith(`.${zone}`)) throw new AzureRecordShapeError(`${fqdn} is not in zone ${zoneDomain}`);
  return relativeName(name, zone);
}

/** Azure's relative name → the canonical FQDN (lower-case, trailing dot). */
export function canonicalName(relative: string, zoneDomain: string): string {
  return toFqdn(absoluteName(relative.toLowerCase(), zoneDomain.toLowerCase()));
}

/** The record type of an Azure record set, from `type` (`Microsoft.Network/dnszones/A`). */
export function recordTypeOf(set: Pick<AzureRecordSet, 'type'>): string {
  return (set.type ?? '').split('/').pop()?.toUpperCase() ?? '';
}

const hostname = (value: string): string => withoutRootDot(value.trim());

/**
 * A canonical record set → the SDK's record set body (properties only: name and type go in the
 * URL). Values in wire form map onto Azure's typed arrays (see docs/azure-dns.md).
 */
export function toAzureRecordSet(set: RecordSet): AzureRecordSet {
  if (set.alias) throw new AzureRecordShapeError(`${set.name} ${set.type}: Azure DNS alias record sets are not written here`);
  if (set.proxied) throw new AzureRecordShapeError(`${set.name} ${set.type}: Azure DNS has no proxy`);
  const ttl = set.ttl ?? 300;
  const v = set.values;
  if (v.length === 0) throw new AzureRecordShapeError(`${set.name} ${set.type}: a record set needs at least one value`);
  if (v.length > AZUREDNS_FEATURES.maxRecordsPerSet) throw new AzureRecordShapeError(`${set.name} ${set.type}: Azure DNS holds at most ${AZUREDNS_FEATURES.maxRecordsPerSet} records per record set`);
  switch (set.type) {
    case 'A':
      return { ttl, aRecords: v.map((ipv4Address) => ({ ipv4Address })) };
    case 'AAAA':
      return { ttl, aaaaRecords: v.map((ipv6Address) => ({ ipv6Address })) };
    case 'CNAME':
      if (v.length !== 1) throw new AzureRecordShapeError(`${set.name} CNAME: a CNAME record set holds exactly one value`);
      return { ttl, cnameRecord: { cname: hostname(v[0] ?? '') } };
    case 'MX':
      return { ttl, mxRecords: v.map((value) => { const [p = '', host = ''] = fields(value, 2, 'MX'); return { preference: integer(p, 'MX'), exchange: hostname(host) }; }) };
    case 'TXT':
      return { ttl, txtRecords: v.map((value) => ({ value: txtChunks(value) })) };
    case 'SRV':
      return {
        ttl,
        srvRecords: v.map((value) => {
          const [priority = '', weight = '', port = '', target = ''] = fields(value, 4, 'SRV');
          return { priority: integer(priority, 'SRV'), weight: integer(weight, 'SRV'), port: integer(port, 'SRV'), target: hostname(target) };
        }),
      };
    case 'PTR':
      return { ttl, ptrRecords: v.map((value) => ({ ptrdname: hostname(value) })) };
    case 'CAA':
      return {
        ttl,
        caaRecords: v.map((value) => {
          const [flags = '', tag = '', caaValue = ''] = fields(value, 3, 'CAA');
          // The engine's CAA wire form quotes the value verbatim (it refuses `"` inside).
          const unquoted = caaValue.length >= 2 && caaValue.startsWith('"') && caaValue.endsWith('"') ? caaValue.slice(1, -1) : caaValue;
          return { flags: integer(flags, 'CAA'), tag, value: unquoted };
        }),
      };
    case 'NS':
      return { ttl, nsRecords: v.map((value) => ({ nsdname: hostname(value) })) };
    default:
      throw new AzureRecordShapeError(`record type ${set.type} cannot be written to Azure DNS`);
  }
}

/** The canonical wire values of an Azure record set of `type`. */
export function wireValuesOf(set: AzureRecordSet, type: string): string[] {
  switch (type) {
    case 'A':
      return (set.aRecords ?? []).map((r) => r.ipv4Address ?? '');
    case 'AAAA':
      return (set.aaaaRecords ?? []).map((r) => (r.ipv6Address ?? '').toLowerCase());
    case 'CNAME':
      return set.cnameRecord?.cname ? [toFqdn(set.cnameRecord.cname)] : [];
    case 'MX':
      return (set.mxRecords ?? []).map((r) => `${r.preference ?? 0} ${toFqdn(r.exchange ?? '')}`);
    case 'TXT':
      return (set.txtRecords ?? []).map((r) => txtFromChunks(r.value ?? []));
    case 'SRV':
      return (set.srvRecords ?? []).map((r) => `${r.priority ?? 0} ${r.weight ?? 0} ${r.port ?? 0} ${toFqdn(r.target ?? '')}`);
    case 'PTR':
      return (set.ptrRecords ?? []).map((r) => toFqdn(r.ptrdname ?? ''));
    case 'CAA':
      return (set.caaRecords ?? []).map((r) => `${r.flags ?? 0} ${r.tag ?? ''} "${r.value ?? ''}"`);
    case 'NS':
      return (set.nsRecords ?? []).map((r) => toFqdn(r.nsdname ?? ''));
    case 'SOA': {
      const s = set.soaRecord;
      if (!s) return [];
      return [`${toFqdn(s.host ?? '')} ${toFqdn(s.email ?? '')} ${s.serialNumber ?? 0} ${s.refreshTime ?? 0} ${s.retryTime ?? 0} ${s.expireTime ?? 0} ${s.minimumTtl ?? 0}`];
    }
    default:
      return [];
  }
}

/**
 * An Azure record set → the canonical form, with its ETag. A set whose values come from an Azure
 * resource (`targetResource`, an alias record set) is listed as routing-policy: shown, never changed here.
 */
export function fromAzureRecordSet(set: AzureRecordSet, zoneDomain: string): RecordSet {
  const type = recordTypeOf(set);
  const isAlias = set.targetResource?.id !== undefined && set.targetResource.id !== null && set.targetResource.id !== '';
  return {
    name: canonicalName(set.name ?? '@', zoneDomain),
    type,
    ttl: set.ttl ?? null,
    values: wireValuesOf(set, type),
    ...(isAlias ? { routingPolicy: true } : {}),
    ...(set.etag ? { etag: set.etag } : {}),
  };
}

/** Whether two sets hold the same TTL and values (order aside): what an exact-match DELETE compares. */
export function sameContent(a: Pick<RecordSet, 'ttl' | 'values'>, b: Pick<RecordSet, 'ttl' | 'values'>): boolean {
  if (a.ttl !== b.ttl || a.values.length !== b.values.length) return false;
  const x = [...a.values].sort();
  const y = [...b.values].sort();
  return x.every((value, i) => value === y[i]);
}
