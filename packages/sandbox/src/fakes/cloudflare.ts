import { createFakeService, json } from '../http/fake-service.js';
import type { FakeReply, FakeService, RecordedRequest } from '../http/fake-service.js';
import { CfError, byNameThenId, checkConflicts, toRecord } from './cloudflare-records.js';

/** A DNS record as the fake Cloudflare holds it (the API's field names). */
export interface FakeCfRecord {
  id: string;
  name: string;
  type: string;
  ttl: number;
  content?: string;
  priority?: number;
  proxied?: boolean;
  data?: Record<string, unknown>;
}

export interface FakeCfZone {
  id: string;
  name: string;
  name_servers: string[];
  records: Map<string, FakeCfRecord>;
}

export interface FakeCfToken {
  /** `/user/tokens/verify` status. */
  status: 'active' | 'disabled' | 'expired';
  /** Account-owned tokens cannot call `/user/tokens/verify` (401 there) but work elsewhere. */
  accountOwned?: boolean;
  zones: string[];
}

export type CloudflareOperation = 'tokens.verify' | 'zones.list' | 'zones.get' | 'records.list' | 'records.batch';

/** JSON state of the fake: zones with their records, tokens, id counter. */
export interface FakeCloudflareState {
  readonly serial: number;
  readonly zones: readonly (Omit<FakeCfZone, 'records'> & { readonly records: readonly FakeCfRecord[] })[];
  readonly tokens: Readonly<Record<string, FakeCfToken>>;
}

export interface FakeCloudflareOptions {
  /** Operations one batch call may carry; default 200. */
  readonly maxBatchOps?: number;
  /**
   * The sandbox's open world: every token but `invalid` is active and sees every zone, and listing
   * zones by name finds one for every domain except those under `.invalid` (created on first look).
   */
  readonly openWorld?: boolean;
}

export interface FakeCloudflare extends FakeService {
  readonly counts: Record<CloudflareOperation, number>;
  readonly zones: Map<string, FakeCfZone>;
  readonly tokens: Map<string, FakeCfToken>;
  addZone(name: string, tokens: readonly string[]): FakeCfZone;
  /** Add records directly, as if made in the dashboard. */
  seed(zoneId: string, records: readonly Omit<FakeCfRecord, 'id'>[]): FakeCfRecord[];
  /** The zone's records, ordered by name then id. */
  records(zoneId: string): FakeCfRecord[];
  /** Apply the next batch call, then answer 5xx (the answer was lost, the work was done). */
  loseNextBatchAnswer(): void;
  /**
   * Answer the next batch call 504 at once but apply it only at `settleLateBatches()`, like a
   * provider that is still working when the client's timeout fires.
   */
  applyNextBatchLate(): void;
  settleLateBatches(): void;
  /** Every record named `name` (absolute or not) of type `type`, across zones. */
  lookup(name: string, type: string): FakeCfRecord[];
  snapshot(): FakeCloudflareState;
  restore(state: FakeCloudflareState): void;
}

/** The token the open world refuses. */
const INVALID_TOKEN = 'invalid';

/**
 * A fake Cloudflare v4 API (paths under `/client/v4`): the envelope, `result_info` paging (with `[]`
 * past the end), token verification, per-token zone visibility, and the batch endpoint applying
 * deletes, patches, puts and posts in that order in one transaction (see docs/batching.md),
 * refusing the whole call on any error, as Cloudflare does.
 */
export function createFakeCloudflare(options: FakeCloudflareOptions = {}): FakeCloudflare {
  const maxBatchOps = options.maxBatchOps ?? 200;
  const zones = new Map<string, FakeCfZone>();
  const tokens = new Map<string, FakeCfToken>();
  const counts: Record<CloudflareOperation, number> = { 'tokens.verify': 0, 'zones.list': 0, 'zones.get': 0, 'records.list': 0, 'records.batch': 0 };
  let serial = 0;
  let loseBatchAnswers = 0;
  let lateBatches = 0;
  const pendingBatches: (() => void)[] = [];
  const newId = (): string => (++serial).toString(16).padStart(32, '0');

  const bearer = (req: RecordedRequest): string => (req.headers.authorization ?? '').replace(/^Bearer /, '');
  /** The token as the fake knows it; in the open world every token but `invalid` sees every zone. */
  const lookupToken = (value: string): FakeCfToken | undefined => {
    if (!options.openWorld) return tokens.get(value);
    if (value === INVALID_TOKEN || value === '') return undefined;
    return { status: 'active', zones: [...zones.keys()] };
  };
  const tokenOf = (req: RecordedRequest): FakeCfToken => {
    const token = lookupToken(bearer(req));
    if (!token || token.status !== 'active') throw new CfError(401, 10000, 'Authentication error');
    return token;
  };
  const zoneFor = (req: RecordedRequest, id: string): FakeCfZone => {
    const token = tokenOf(req);
    const zone = zones.get(id);
    if (!zone) throw new CfError(404, 7003, `Could not route to /zones/${id}, perhaps your object identifier is invalid?`);
    if (!options.openWorld && !token.zones.includes(id)) throw new CfError(403, 10000, 'Authentication error');
    return zone;
  };
  const page = <T>(items: T[], q: URLSearchParams): FakeReply => {
    const perPage = Number(q.get('per_page') ?? 20);
    const pageNo = Number(q.get('page') ?? 1);
    const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
    const info = { page: pageNo, per_page: perPage, count: slice.length, total_count: items.length, total_pages: Math.max(1, Math.ceil(items.length / perPage)) };
    return json(200, { success: true, errors: [], messages: [], result: slice, result_info: info });
  };

  const batch = (zone: FakeCfZone, body: Record<string, Record<string, unknown>[] | undefined>) => {
    const ops = ['deletes', 'patches', 'puts', 'posts'].reduce((n, k) => n + (body[k]?.length ?? 0), 0);
    if (ops > maxBatchOps) throw new CfError(400, 81300, `Batch request exceeds the limit of ${maxBatchOps} operations`);
    const next = new Map([...zone.records].map(([id, r]) => [id, { ...r }]));
    const result = { deletes: [] as FakeCfRecord[], patches: [] as FakeCfRecord[], puts: [] as FakeCfRecord[], posts: [] as FakeCfRecord[] };
    for (const d of body.deletes ?? []) {
      const existing = next.get(String(d.id));
      if (!existing) throw new CfError(404, 81044, 'Record does not exist.');
      next.delete(existing.id);
      result.deletes.push(existing);
    }
    for (const p of body.patches ?? []) {
      const existing = next.get(String(p.id));
      if (!existing) throw new CfError(404, 81044, 'Record does not exist.');
      const patched = toRecord(zone, { ...existing, ...p }, existing.id);
      next.set(existing.id, patched);
      result.patches.push(patched);
    }
    for (const p of body.puts ?? []) {
      if (!next.has(String(p.id))) throw new CfError(404, 81044, 'Record does not exist.');
      const put = toRecord(zone, p, String(p.id));
      next.set(put.id, put);
      result.puts.push(put);
    }
    for (const p of body.posts ?? []) {
      const posted = toRecord(zone, p, newId());
      checkConflicts(next, posted);
      next.set(posted.id, posted);
      result.posts.push(posted);
    }
    zone.records = next;
    return result;
  };

  const addZone = (name: string, tokenNames: readonly string[]): FakeCfZone => {
    const id = newId();
    const zone: FakeCfZone = { id, name, name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'], records: new Map() };
    zones.set(id, zone);
    for (const t of tokenNames) tokens.get(t)?.zones.push(id);
    return zone;
  };
  /** Open world: a zone for every domain asked about, except under `.invalid` (reserved, RFC 2606). */
  const openZone = (name: string | null): void => {
    if (!options.openWorld || !name) return;
    const domain = name.toLowerCase().replace(/\.$/, '');
    if (domain === 'invalid' || domain.endsWith('.invalid')) return;
    if (![...zones.values()].some((z) => z.name === domain)) addZone(domain, []);
  };

  const route = (req: RecordedRequest): FakeReply => {
    const url = new URL(req.url, 'http://fake');
    const parts = url.pathname.replace(/^\/client\/v4\/?/, '').split('/').filter(Boolean);
    const q = url.searchParams;
    if (req.method === 'GET' && parts.join('/') === 'user/tokens/verify') {
      counts['tokens.verify']++;
      const token = lookupToken(bearer(req));
      if (!token || token.accountOwned) throw new CfError(401, 1000, 'Invalid API Token');
      return json(200, { success: true, errors: [], messages: [{ code: 10000, message: 'This API Token is valid and active' }], result: { id: 'tok', status: token.status } });
    }
    if (req.method === 'GET' && parts.length === 1 && parts[0] === 'zones') {
      counts['zones.list']++;
      const token = tokenOf(req);
      const name = q.get('name');
      openZone(name);
      const visible = options.openWorld ? [...zones.keys()] : token.zones;
      return page([...zones.values()].filter((z) => visible.includes(z.id) && (!name || z.name === name)).map(({ records: _, ...z }) => z), q);
    }
    if (req.method === 'GET' && parts.length === 2 && parts[0] === 'zones') {
      counts['zones.get']++;
      const { records: _, ...zone } = zoneFor(req, parts[1] ?? '');
      return json(200, { success: true, errors: [], messages: [], result: zone });
    }
    if (req.method === 'GET' && parts[0] === 'zones' && parts[2] === 'dns_records' && parts.length === 3) {
      counts['records.list']++;
      const zone = zoneFor(req, parts[1] ?? '');
      const type = q.get('type');
      const exact = q.get('name.exact');
      const items = [...zone.records.values()].filter((r) => (!type || r.type === type) && (!exact || r.name === exact.toLowerCase()));
      if (q.get('order') === 'name') items.sort(byNameThenId);
      return page(items, q);
    }
    if (req.method === 'POST' && parts[0] === 'zones' && parts[2] === 'dns_records' && parts[3] === 'batch') {
      counts['records.batch']++;
      const zone = zoneFor(req, parts[1] ?? '');
      const body = JSON.parse(req.body || '{}') as Record<string, Record<string, unknown>[] | undefined>;
      if (lateBatches > 0) {
        lateBatches--;
        pendingBatches.push(() => void batch(zone, body));
        throw new CfError(504, 504, 'Gateway timeout');
      }
      const result = batch(zone, body);
      if (loseBatchAnswers > 0) {
        loseBatchAnswers--;
        throw new CfError(502, 502, 'Bad gateway');
      }
      return json(200, { success: true, errors: [], messages: [], result });
    }
    throw new CfError(404, 7000, `No route for that URI: ${req.method} ${url.pathname}`);
  };

  const service = createFakeService((req) => {
    try {
      return route(req);
    } catch (e) {
      if (!(e instanceof CfError)) throw e;
      return json(e.status, { success: false, errors: [{ code: e.code, message: e.message }], messages: [], result: null });
    }
  });

  return Object.assign(service, {
    counts,
    zones,
    tokens,
    addZone,
    seed(zoneId: string, records: readonly Omit<FakeCfRecord, 'id'>[]) {
      const zone = zones.get(zoneId);
      if (!zone) throw new Error(`no zone ${zoneId}`);
      return records.map((r) => {
        const record = { ...r, id: newId() };
        zone.records.set(record.id, record);
        return record;
      });
    },
    records: (zoneId: string) => [...(zones.get(zoneId)?.records.values() ?? [])].sort(byNameThenId),
    loseNextBatchAnswer: () => void loseBatchAnswers++,
    applyNextBatchLate: () => void lateBatches++,
    settleLateBatches: () => {
      for (const apply of pendingBatches.splice(0)) apply();
    },
    lookup: (name: string, type: string) => {
      const wanted = name.toLowerCase().replace(/\.$/, '');
      return [...zones.values()].flatMap((z) => [...z.records.values()].filter((r) => r.name === wanted && r.type === type)).map((r) => structuredClone(r));
    },
    snapshot: (): FakeCloudflareState =>
      structuredClone({ serial, zones: [...zones.values()].map((z) => ({ ...z, records: [...z.records.values()] })), tokens: Object.fromEntries(tokens) }),
    restore(state: FakeCloudflareState) {
      serial = state.serial;
      zones.clear();
      tokens.clear();
      for (const { records, ...z } of structuredClone(state.zones)) zones.set(z.id, { ...z, records: new Map(records.map((r) => [r.id, r])) });
      for (const [name, token] of Object.entries(structuredClone(state.tokens))) tokens.set(name, token);
    },
  });
}
