import { isIPv4, isIPv6 } from 'node:net';

/** A resource record set as the fake Cloud DNS holds and lists it. */
export interface FakeRrset {
  kind: 'dns#resourceRecordSet';
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}

/** A Google API error the fake answers with (`reason` is `errors[0].reason`). */
export class CloudDnsError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Cloud DNS's system limits per change and per set (Google's "Cloud DNS quotas and limits"). */
export const FAKE_CLOUDDNS_LIMITS = { additionsPerChange: 1000, deletionsPerChange: 1000, rrdataBytesPerChange: 100_000, recordsPerRrset: 100 } as const;

const TYPES = new Set(['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HTTPS', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SPF', 'SRV', 'SSHFP', 'SVCB', 'TLSA', 'TXT']);
const HOST = /^(?:[\w*-]{1,63}\.)+$|^\.$/;

export const rrKey = (name: string, type: string): string => `${name.toLowerCase()} ${type}`;

const invalid = (field: string, value: string) => new CloudDnsError(400, 'INVALID_ARGUMENT', 'invalid', `Invalid value for '${field}': '${value.slice(0, 120)}'`);

/** Whether one rrdata is valid master-file data of its type (the checks Cloud DNS makes that matter here). */
function validRrdata(type: string, value: string): boolean {
  switch (type) {
    case 'A':
      return isIPv4(value);
    case 'AAAA':
      return isIPv6(value);
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return HOST.test(value);
    case 'MX':
      return /^\d{1,5} \S+\.$/.test(value);
    case 'SRV':
      return /^\d{1,5} \d{1,5} \d{1,5} \S+\.$/.test(value);
    case 'CAA':
      return /^\d{1,3} [a-z0-9]+ "[^"]*"$/i.test(value);
    case 'TXT':
    case 'SPF':
      return value.length > 0 && !/[\r\n]/.test(value);
    default:
      return value.length > 0;
  }
}

/** One rrset of a change, checked and reduced to the stored fields; `where` is `additions[3]`. */
export function checkRrset(raw: unknown, where: string, apex: string): FakeRrset {
  const field = `entity.change.${where}`;
  if (typeof raw !== 'object' || raw === null) throw invalid(field, String(raw));
  const r = raw as Record<string, unknown>;
  const name = typeof r.name === 'string' ? r.name.toLowerCase() : '';
  if (!name.endsWith('.') || !HOST.test(name) || !(name === apex || name.endsWith(`.${apex}`))) throw invalid(`${field}.name`, name);
  const type = typeof r.type === 'string' ? r.type : '';
  if (!TYPES.has(type)) throw invalid(`${field}.type`, type);
  const ttl = r.ttl;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > 2_147_483_647) throw invalid(`${field}.ttl`, String(ttl));
  const rrdatas = r.rrdatas;
  if (!Array.isArray(rrdatas) || rrdatas.length === 0 || !rrdatas.every((v) => typeof v === 'string')) throw invalid(`${field}.rrdatas`, JSON.stringify(rrdatas ?? null));
  if (rrdatas.length > FAKE_CLOUDDNS_LIMITS.recordsPerRrset) {
    throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'invalid', `The resource record set '${field}' has ${rrdatas.length} records; at most ${FAKE_CLOUDDNS_LIMITS.recordsPerRrset} are allowed`);
  }
  (rrdatas as string[]).forEach((v, i) => {
    if (!validRrdata(type, v)) throw invalid(`${field}.rrdata[${i}]`, v);
  });
  if (type === 'CNAME' && rrdatas.length !== 1) throw invalid(`${field}.rrdata`, rrdatas.join(' '));
  return { kind: 'dns#resourceRecordSet', name, type, ttl, rrdatas: [...(rrdatas as string[])] };
}

const sameData = (a: readonly string[], b: readonly string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const label = (r: FakeRrset) => `${r.name} (${r.type})`;
const bytes = (rs: readonly FakeRrset[]) => rs.reduce((n, r) => n + r.rrdatas.reduce((m, v) => m + Buffer.byteLength(v, 'utf8'), 0), 0);

/**
 * One `changes.create`, all or nothing, as Cloud DNS applies it: the limits per change; deletions
 * first, each naming an existing set exactly (missing → 404 `notFound`, different TTL or data → 412
 * `conditionNotMet`); then additions, none of an existing set (409 `alreadyExists`) and no CNAME
 * beside another type of its name, the apex's NS and SOA included (400 `cnameResourceRecordSetConflict`).
 * Returns the zone's sets after the change; the input map is left as it was on any failure.
 */
export function applyChange(rrsets: ReadonlyMap<string, FakeRrset>, apex: string, additions: readonly FakeRrset[], deletions: readonly FakeRrset[]): Map<string, FakeRrset> {
  const limits = FAKE_CLOUDDNS_LIMITS;
  if (additions.length === 0 && deletions.length === 0) throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'required', "Required field 'entity.change' not specified");
  if (additions.length > limits.additionsPerChange) {
    throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'invalid', `The change has ${additions.length} additions; at most ${limits.additionsPerChange} are allowed per change`);
  }
  if (deletions.length > limits.deletionsPerChange) {
    throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'invalid', `The change has ${deletions.length} deletions; at most ${limits.deletionsPerChange} are allowed per change`);
  }
  const size = bytes(additions) + bytes(deletions);
  if (size > limits.rrdataBytesPerChange) {
    throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'invalid', `The change carries ${size} bytes of record data; at most ${limits.rrdataBytesPerChange} are allowed per change`);
  }
  const next = new Map(rrsets);
  deletions.forEach((d, i) => {
    const held = next.get(rrKey(d.name, d.type));
    if (!held) throw new CloudDnsError(404, 'NOT_FOUND', 'notFound', `The 'entity.change.deletions[${i}]' resource named '${label(d)}' does not exist.`);
    if (held.ttl !== d.ttl || !sameData(held.rrdatas, d.rrdatas)) throw new CloudDnsError(412, 'FAILED_PRECONDITION', 'conditionNotMet', `Precondition not met for 'entity.change.deletions[${i}]'`);
    next.delete(rrKey(d.name, d.type));
  });
  // Types held per name, built once: the CNAME check stays linear in the zone plus the change.
  const typesByName = new Map<string, Set<string>>();
  for (const r of next.values()) typesByName.set(r.name, (typesByName.get(r.name) ?? new Set()).add(r.type));
  additions.forEach((a, i) => {
    const key = rrKey(a.name, a.type);
    if (next.has(key)) throw new CloudDnsError(409, 'ALREADY_EXISTS', 'alreadyExists', `The resource 'entity.change.additions[${i}]' named '${label(a)}' already exists`);
    const types = typesByName.get(a.name) ?? new Set<string>();
    const apexInfra = a.name === apex;
    if ((a.type === 'CNAME' && (types.size > 0 || apexInfra)) || (a.type !== 'CNAME' && types.has('CNAME'))) {
      throw new CloudDnsError(
        400,
        'INVALID_ARGUMENT',
        'cnameResourceRecordSetConflict',
        `The resource 'entity.change.additions[${i}]' named '${label(a)}' cannot be created because a CNAME resource record set and another resource record set of the same name cannot coexist`,
      );
    }
    next.set(key, a);
    typesByName.set(a.name, types.add(a.type));
  });
  return next;
}
