import { WRITABLE_RECORD_TYPES, toFqdn, txtWireForm, withoutRootDot } from '@cloudlink/engine';
import type { RecordSet, WritableRecordType } from '@cloudlink/engine';

/** The fields of a Cloudflare DNS record this package reads and writes (a structural subset of the SDK's record types). */
export interface CloudflareRecord {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly content?: string;
  readonly priority?: number;
  readonly proxied?: boolean;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** A record to create: what `posts` of the batch endpoint take. */
export type CloudflareRecordInput = Omit<CloudflareRecord, 'id'>;

/** Whether a record set asks for the proxy (absent means DNS-only). */
export const isProxied = (set: Pick<RecordSet, 'proxied'>): boolean => set.proxied === true;

/** The TTL Cloudflare holds for a set: automatic (1) when proxied, whatever TTL was asked for. */
export const heldTtl = (set: Pick<RecordSet, 'ttl' | 'proxied'>): number => (isProxied(set) ? CLOUDFLARE_FEATURES.automaticTtl : (set.ttl ?? CLOUDFLARE_FEATURES.automaticTtl));

/**
 * The `proxied` field a record of `set` is written with: the set's proxy status on the types that can
 * be proxied, and `true` on any other type only when asked for (Cloudflare answers 9004 then, as the
 * port documents); absent otherwise.
 */
export function proxiedField(set: Pick<RecordSet, 'type' | 'proxied'>): { proxied?: boolean } {
  const proxiable = CLOUDFLARE_TYPES[set.type as WritableRecordType]?.proxiable ?? false;
  return proxiable || isProxied(set) ? { proxied: isProxied(set) } : {};
}

/**
 * How each writable type maps onto Cloudflare's fields (see docs/records.md), as data:
 * - `content`: the wire value as `content`; `hostname` types drop the trailing dot on write and get it back on read;
 * - `priority+content`: MX, `10 mail.example.com.` ↔ `priority:10, content:"mail.example.com"`;
 * - `data`: SRV `{priority,weight,port,target}` and CAA `{flags,tag,value}`;
 * `proxiable` types carry the set's proxy status (`proxied`, DNS-only unless asked, see docs/records.md).
 */
export const CLOUDFLARE_TYPES: Readonly<Record<WritableRecordType, { fields: 'content' | 'priority+content' | 'data'; hostname: boolean; proxiable: boolean }>> = {
  A: { fields: 'content', hostname: false, proxiable: true },
  AAAA: { fields: 'content', hostname: false, proxiable: true },
  CNAME: { fields: 'content', hostname: true, proxiable: true },
  MX: { fields: 'priority+content', hostname: true, proxiable: false },
  TXT: { fields: 'content', hostname: false, proxiable: false },
  SRV: { fields: 'data', hostname: true, proxiable: false },
  PTR: { fields: 'content', hostname: true, proxiable: false },
  CAA: { fields: 'data', hostname: false, proxiable: false },
};

/** What Cloudflare supports, as data. */
export const CLOUDFLARE_FEATURES = {
  recordTypes: WRITABLE_RECORD_TYPES satisfies readonly WritableRecordType[],
  /** Cloudflare flattens a CNAME at the apex. */
  apexCname: true,
  /** Zones are imported, never created. */
  createsZones: false,
  /** No alias sets; A, AAAA and CNAME records can be proxied (`CLOUDFLARE_TYPES[type].proxiable`). */
  aliasRecords: false,
  proxy: true,
  /** TTL 1 means "automatic". */
  automaticTtl: 1,
  /** Record operations per `POST /zones/:id/dns_records/batch`, and the listing page size (see docs/records.md, docs/batching.md). */
  defaultBatchSize: 200,
  defaultPerPage: 100,
} as const;

// The engine's CAA wire form quotes the value verbatim (it refuses `"` inside), so no escaping here.
function quoteCaaValue(value: string): string {
  return `"${value}"`;
}

function unquoteCaaValue(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** Split a wire value into `count` fields: the first `count - 1` at whitespace, the last kept verbatim. */
function fields(value: string, count: number, type: string): string[] {
  const out: string[] = [];
  let rest = value.trim();
  for (let i = 0; i < count - 1; i++) {
    const match = /^(\S+)\s+/.exec(rest);
    if (!match) throw new TypeError(`cloudflare: ${type} value "${value}" is not in wire form`);
    out.push(match[1] ?? '');
    rest = rest.slice(match[0].length);
  }
  if (rest === '') throw new TypeError(`cloudflare: ${type} value "${value}" is not in wire form`);
  return [...out, rest];
}

/** One canonical wire value of a record set → the Cloudflare record to create. */
export function toCloudflareRecord(set: RecordSet, value: string): CloudflareRecordInput {
  const type = set.type as WritableRecordType;
  const spec = CLOUDFLARE_TYPES[type];
  if (!spec) throw new TypeError(`cloudflare: record type ${set.type} cannot be written`);
  const base = { name: withoutRootDot(set.name), type, ttl: heldTtl(set), ...proxiedField(set) };
  if (type === 'MX') {
    const [priority = '', host = ''] = fields(value, 2, type);
    return { ...base, priority: Number(priority), content: withoutRootDot(host) };
  }
  if (type === 'SRV') {
    const [priority = '', weight = '', port = '', target = ''] = fields(value, 4, type);
    return { ...base, data: { priority: Number(priority), weight: Number(weight), port: Number(port), target: withoutRootDot(target) } };
  }
  if (type === 'CAA') {
    const [flags = '', tag = '', caaValue = ''] = fields(value, 3, type);
    return { ...base, data: { flags: Number(flags), tag, value: unquoteCaaValue(caaValue) } };
  }
  return { ...base, content: spec.hostname ? withoutRootDot(value) : value };
}

/** A listed Cloudflare record → its canonical wire value (`data` when present, else content (+priority); see docs/records.md). */
export function wireValueOf(record: CloudflareRecord): string {
  const data = record.data;
  if (record.type === 'SRV' && data) return `${String(data.priority)} ${String(data.weight)} ${String(data.port)} ${toFqdn(String(data.target))}`;
  if (record.type === 'CAA' && data) return `${String(data.flags)} ${String(data.tag)} ${quoteCaaValue(String(data.value))}`;
  const content = record.content ?? '';
  switch (record.type) {
    case 'MX':
      return `${record.priority ?? 0} ${toFqdn(content)}`;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return toFqdn(content);
    case 'TXT':
      // Records made outside this API may hold the text unquoted.
      return content.startsWith('"') ? content : txtWireForm(content);
    case 'AAAA':
      return content.toLowerCase();
    default:
      return content;
  }
}

/**
 * Entries sharing name and type → one canonical record set (TTL and proxy status of the first entry,
 * ids aligned with values). `proxied` appears only when true: absent is DNS-only.
 */
export function toRecordSet(records: readonly CloudflareRecord[]): RecordSet {
  const first = records[0];
  if (!first) throw new TypeError('cloudflare: a record set needs at least one record');
  return {
    name: toFqdn(first.name),
    type: first.type,
    ttl: first.ttl,
    values: records.map(wireValueOf),
    ...(first.proxied === true ? { proxied: true } : {}),
    providerIds: records.map((r) => r.id),
  };
}

