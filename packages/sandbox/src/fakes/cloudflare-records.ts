import type { FakeCfRecord, FakeCfZone } from './cloudflare.js';

/** Cloudflare's record rules: what a post/put body must hold per type, and which records conflict. */

export class CfError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const CONTENT_TYPES = new Set(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'PTR', 'NS']);
const DATA_TYPES = new Set(['SRV', 'CAA']);
/** Only these types can go through Cloudflare's proxy. */
const PROXIABLE_TYPES = new Set(['A', 'AAAA', 'CNAME']);
/** TTL 1, "automatic": what every proxied record gets, whatever TTL was sent. */
const AUTOMATIC_TTL = 1;
export const byNameThenId = (a: FakeCfRecord, b: FakeCfRecord): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1);

/** Build a stored record from a post/put body, checking what Cloudflare checks. */
export function toRecord(zone: Pick<FakeCfZone, 'name'>, body: Record<string, unknown>, id: string): FakeCfRecord {
  const type = String(body.type ?? '');
  const name = String(body.name ?? '').toLowerCase().replace(/\.$/, '');
  if (!CONTENT_TYPES.has(type) && !DATA_TYPES.has(type)) throw new CfError(400, 9004, `DNS record type "${type}" is invalid`);
  if (name !== zone.name && !name.endsWith(`.${zone.name}`)) throw new CfError(400, 9005, 'Content for record is invalid. Must be in the zone.');
  const record: FakeCfRecord = { id, name, type, ttl: Number(body.ttl ?? 1) };
  if (DATA_TYPES.has(type)) {
    const data = body.data as Record<string, unknown> | undefined;
    if (!data) throw new CfError(400, 9101, `${type} record requires data`);
    record.data = { ...data };
    record.content = type === 'SRV' ? `${String(data.weight)} ${String(data.port)} ${String(data.target)}` : `${String(data.flags)} ${String(data.tag)} "${String(data.value)}"`;
    if (type === 'SRV') record.priority = Number(data.priority);
  } else {
    if (typeof body.content !== 'string' || body.content === '') throw new CfError(400, 9021, 'Invalid content for a record');
    record.content = body.content;
  }
  if (type === 'MX') {
    if (typeof body.priority !== 'number') throw new CfError(400, 9100, 'MX records require a priority');
    record.priority = body.priority;
  }
  if (body.proxied !== undefined) record.proxied = Boolean(body.proxied);
  if (record.proxied && !PROXIABLE_TYPES.has(type)) throw new CfError(400, 9004, 'This record type cannot be proxied.');
  if (record.proxied) record.ttl = AUTOMATIC_TTL;
  return record;
}

export function checkConflicts(records: ReadonlyMap<string, FakeCfRecord>, added: FakeCfRecord): void {
  for (const r of records.values()) {
    if (r.id === added.id || r.name !== added.name) continue;
    if (r.type === 'CNAME' || added.type === 'CNAME') throw new CfError(400, 81053, 'An A, AAAA, or CNAME record with that host already exists.');
    if (r.type === added.type && r.content === added.content && JSON.stringify(r.data) === JSON.stringify(added.data) && r.priority === added.priority) {
      throw new CfError(400, 81058, 'An identical record already exists.');
    }
  }
}
