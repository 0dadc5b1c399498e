import { WRITABLE_RECORD_TYPES } from '@cloudlink/engine';
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

/**
 * How each writable type maps onto Cloudflare's fields (see docs/records.md), as data:
 * - `content`: the wire value as `content`; `hostname` types drop the trailing dot on write and get it back on read;
 * - `priority+content`: MX, `10 mail.example.com.` ↔ `priority:10, content:"mail.example.com"`;
 * - `data`: SRV `{priority,weight,port,target}` and CAA `{flags,tag,value}`;
 * `proxiable` types are written DNS-only (`proxied:false`, see docs/records.md).
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
  /** TTL 1 means "automatic". */
  automaticTtl: 1,
  /** Record operations per `POST /zones/:id/dns_records/batch`, and the listing page size (see docs/records.md, docs/batching.md). */
  defaultBatchSize: 200,
  defaultPerPage: 100,
} as const;

const TXT_CHUNK = 255;

/** `Www.Example.com` → `www.example.com.`; `.` stays `.`. */
export function absoluteName(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** `www.example.com.` → `www.example.com` (Cloudflare's form); `.` stays `.`. */
export function relativeToRoot(host: string): string {
  return host.length > 1 && host.endsWith('.') ? host.slice(0, -1) : host;
}

/** Quote text as TXT wire form: chunks of ≤ 255 characters, `"` and `\` escaped, joined by one space (see docs/records.md). */
export function quoteTxt(text: string): string {
  const chunks: string[] = [];
  for (let i = 0; i < text.length || chunks.length === 0; i += TXT_CHUNK) chunks.push(text.slice(i, i + TXT_CHUNK));
  return chunks.map((c) => `"${c.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`).join(' ');
}

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
  const base = { name: relativeToRoot(set.name), type, ttl: set.ttl ?? CLOUDFLARE_FEATURES.automaticTtl, ...(spec.proxiable ? { proxied: false } : {}) };
  if (type === 'MX') {
    const [priority = '', host = ''] = fields(value, 2, type);
    return { ...base, priority: Number(priority), content: relativeToRoot(host) };
  }
  if (type === 'SRV') {
    const [priority = '', weight = '', port = '', target = ''] = fields(value, 4, type);
    return { ...base, data: { priority: Number(priority), weight: Number(weight), port: Number(port), target: relativeToRoot(target) } };
  }
  if (type === 'CAA') {
    const [flags = '', tag = '', caaValue = ''] = fields(value, 3, type);
    return { ...base, data: { flags: Number(flags), tag, value: unquoteCaaValue(caaValue) } };
  }
  return { ...base, content: spec.hostname ? relativeToRoot(value) : value };
}

/** A listed Cloudflare record → its canonical wire value (`data` when present, else content (+priority); see docs/records.md). */
export function wireValueOf(record: CloudflareRecord): string {
  const data = record.data;
  if (record.type === 'SRV' && data) return `${String(data.priority)} ${String(data.weight)} ${String(data.port)} ${absoluteName(String(data.target))}`;
  if (record.type === 'CAA' && data) return `${String(data.flags)} ${String(data.tag)} ${quoteCaaValue(String(data.value))}`;
  const content = record.content ?? '';
  switch (record.type) {
    case 'MX':
      return `${record.priority ?? 0} ${absoluteName(content)}`;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return absoluteName(content);
    case 'TXT':
      // Records made outside this API may hold the text unquoted.
      return content.startsWith('"') ? content : quoteTxt(content);
    case 'AAAA':
      return content.toLowerCase();
    default:
      return content;
  }
}

/** Entries sharing name and type → one canonical record set (TTL of the first entry, ids aligned with values). */
export function toRecordSet(records: readonly CloudflareRecord[]): RecordSet {
  const first = records[0];
  if (!first) throw new TypeError('cloudflare: a record set needs at least one record');
  return {
    name: absoluteName(first.name),
    type: first.type,
    ttl: first.ttl,
    values: records.map(wireValueOf),
    providerIds: records.map((r) => r.id),
  };
}

/** Route 53 listing order (see docs/records.md): the name with labels reversed plus a trailing dot, then the type. */
export function route53OrderKey(set: Pick<RecordSet, 'name' | 'type'>): string {
  return `${set.name.slice(0, -1).split('.').reverse().join('.')}.\u0000${set.type}`;
}
