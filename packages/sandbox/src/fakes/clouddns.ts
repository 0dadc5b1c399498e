import { createFakeService, json } from '../http/fake-service.js';
import type { FakeReply, FakeService, RecordedRequest } from '../http/fake-service.js';
import { CloudDnsError, applyChange, checkRrset, rrKey } from './clouddns-rules.js';
import type { FakeRrset } from './clouddns-rules.js';

export type { FakeRrset } from './clouddns-rules.js';

/** A managed zone as the fake Cloud DNS holds it (the API's field names). */
export interface FakeManagedZone {
  kind: 'dns#managedZone';
  id: string;
  name: string;
  dnsName: string;
  description: string;
  nameServers: string[];
  creationTime: string;
  visibility: string;
  labels: Record<string, string>;
  /** By `name type`. */
  rrsets: Map<string, FakeRrset>;
}

export type CloudDnsOperation = 'managedZones.create' | 'managedZones.get' | 'managedZones.list' | 'managedZones.delete' | 'rrsets.list' | 'changes.create';

/** JSON state of the fake. */
export interface FakeCloudDnsState {
  readonly serial: number;
  readonly zones: readonly { readonly project: string; readonly zone: Omit<FakeManagedZone, 'rrsets'> & { readonly rrsets: readonly FakeRrset[] } }[];
}

export interface FakeCloudDnsOptions {
  /**
   * Whether a bearer token is accepted (401 otherwise). Default: any non-empty token but `invalid`.
   * The sandbox accepts exactly the access tokens its fake IAM Credentials issued.
   */
  readonly acceptToken?: (token: string) => boolean;
  /** The projects that exist (403 for any other, as Google answers); default every well-formed project id. */
  readonly projects?: readonly string[];
}

export interface FakeCloudDns extends FakeService {
  readonly counts: Record<CloudDnsOperation, number>;
  /** `project/zoneName` → zone. */
  readonly zones: Map<string, FakeManagedZone>;
  /** Tokens no longer accepted (401 UNAUTHENTICATED), as after a revocation. */
  readonly revokedTokens: Set<string>;
  /** Tokens accepted but denied every zone (403 PERMISSION_DENIED, reason `forbidden`), as a missing IAM role. */
  readonly deniedTokens: Set<string>;
  /** A zone made outside this product (with apex NS and SOA). */
  addZone(project: string, input: { name: string; dnsName: string; description?: string }): FakeManagedZone;
  /** Apply the next `changes.create`, then answer 503 (the answer was lost, the work was done). */
  loseNextChangeAnswer(): void;
  /** Every rrset named `name` (absolute, with or without the root dot) of type `type`, across zones. */
  lookup(name: string, type: string): FakeRrset[];
  snapshot(): FakeCloudDnsState;
  restore(state: FakeCloudDnsState): void;
}

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const ZONE_NAME = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;
const NAME_SERVERS = ['ns-cloud-a1.googledomains.com.', 'ns-cloud-a2.googledomains.com.', 'ns-cloud-a3.googledomains.com.', 'ns-cloud-a4.googledomains.com.'];

/** Google's v1 error body: `{error:{code,message,errors:[{message,domain,reason}],status}}`. */
export function cloudDnsError(code: number, status: string, reason: string, message: string): { error: { code: number; message: string; errors: { message: string; domain: string; reason: string }[]; status: string } } {
  return { error: { code, message, errors: [{ message, domain: reason === 'rateLimitExceeded' ? 'usageLimits' : 'global', reason }], status } };
}

const bearer = (req: RecordedRequest): string => {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : '';
};

/** Opaque page tokens, as Google's are: the offset, encoded. */
const pageToken = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');
function offsetOf(token: string | null): number {
  if (!token) return 0;
  const m = /^o:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'invalid', `Invalid value for 'parameters.pageToken': '${token.slice(0, 40)}'`);
  return Number(m[1]);
}

function pageOf<T>(items: readonly T[], q: URLSearchParams): { slice: T[]; next?: string } {
  const raw = q.get('maxResults');
  const max = raw === null ? DEFAULT_PAGE : Number(raw);
  if (!Number.isInteger(max) || max < 1) throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'invalid', `Invalid value for 'parameters.maxResults': '${raw}'`);
  const size = Math.min(max, MAX_PAGE);
  const offset = offsetOf(q.get('pageToken'));
  const slice = items.slice(offset, offset + size);
  return offset + size < items.length ? { slice, next: pageToken(offset + size) } : { slice };
}

/**
 * A fake of the Cloud DNS REST API v1 (`/dns/v1/projects/<project>/managedZones…`): managed zones
 * (create with apex NS and SOA, get, list by `dnsName`, delete only when empty), `rrsets.list` with
 * `name`/`type` filters and `pageToken` paging (in plain name order, not Route 53 order, as Cloud DNS
 * does not promise that one), and `changes.create` applied atomically with Cloud DNS's checks
 * (see clouddns-rules.ts); bearer tokens checked; Google's error bodies with their `reason`s.
 */
export function createFakeCloudDns(options: FakeCloudDnsOptions = {}): FakeCloudDns {
  const zones = new Map<string, FakeManagedZone>();
  const revokedTokens = new Set<string>();
  const deniedTokens = new Set<string>();
  const counts: Record<CloudDnsOperation, number> = {
    'managedZones.create': 0,
    'managedZones.get': 0,
    'managedZones.list': 0,
    'managedZones.delete': 0,
    'rrsets.list': 0,
    'changes.create': 0,
  };
  let serial = 0;
  let loseChangeAnswers = 0;
  const acceptToken = options.acceptToken ?? ((t: string) => t !== '' && t !== 'invalid');

  const makeZone = (project: string, input: { name: string; dnsName: string; description?: string; visibility?: string; labels?: Record<string, string> }): FakeManagedZone => {
    const zone: FakeManagedZone = {
      kind: 'dns#managedZone',
      id: String(1_000_000_000_000 + ++serial),
      name: input.name,
      dnsName: input.dnsName.toLowerCase(),
      description: input.description ?? '',
      nameServers: [...NAME_SERVERS],
      creationTime: new Date(Date.UTC(2026, 0, 1) + serial * 1000).toISOString(),
      visibility: input.visibility ?? 'public',
      labels: { ...(input.labels ?? {}) },
      rrsets: new Map(),
    };
    const apex = zone.dnsName;
    zone.rrsets.set(rrKey(apex, 'NS'), { kind: 'dns#resourceRecordSet', name: apex, type: 'NS', ttl: 21600, rrdatas: [...NAME_SERVERS] });
    zone.rrsets.set(rrKey(apex, 'SOA'), {
      kind: 'dns#resourceRecordSet',
      name: apex,
      type: 'SOA',
      ttl: 21600,
      rrdatas: [`${NAME_SERVERS[0]} cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300`],
    });
    zones.set(`${project}/${zone.name}`, zone);
    return zone;
  };

  const publicZone = ({ rrsets: _, ...zone }: FakeManagedZone) => zone;

  const authorize = (req: RecordedRequest, project: string): void => {
    const token = bearer(req);
    if (!acceptToken(token) || revokedTokens.has(token)) {
      throw new CloudDnsError(401, 'UNAUTHENTICATED', 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    }
    const knownProject = options.projects ? options.projects.includes(project) : PROJECT_ID.test(project);
    if (deniedTokens.has(token) || !knownProject) throw new CloudDnsError(403, 'PERMISSION_DENIED', 'forbidden', 'Forbidden');
  };

  const zoneOf = (project: string, name: string): FakeManagedZone => {
    const zone = zones.get(`${project}/${name}`);
    if (!zone) throw new CloudDnsError(404, 'NOT_FOUND', 'notFound', `The 'parameters.managedZone' resource named '${name}' does not exist.`);
    return zone;
  };

  const parseBody = (req: RecordedRequest): Record<string, unknown> => {
    try {
      const body: unknown = JSON.parse(req.body || '{}');
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'parseError', 'Parse Error');
  };

  const route = (req: RecordedRequest): FakeReply => {
    const url = new URL(req.url, 'http://fake');
    const m = /^\/dns\/v1\/projects\/([^/]+)\/managedZones(?:\/([^/]+)(?:\/(rrsets|changes))?)?$/.exec(url.pathname);
    if (!m) throw new CloudDnsError(404, 'NOT_FOUND', 'notFound', `The requested URL ${url.pathname} was not found on this server.`);
    const project = decodeURIComponent(m[1] ?? '');
    const zoneName = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    const sub = m[3];
    const q = url.searchParams;
    authorize(req, project);
    if (zoneName === undefined && req.method === 'POST') {
      counts['managedZones.create']++;
      const body = parseBody(req);
      const name = String(body.name ?? '');
      const dnsName = String(body.dnsName ?? '');
      if (!ZONE_NAME.test(name)) throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'invalid', `Invalid value for 'entity.managedZone.name': '${name.slice(0, 80)}'`);
      if (!/^(?:[\w-]{1,63}\.)+$/.test(dnsName) || dnsName.length > 254) {
        throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'invalid', `Invalid value for 'entity.managedZone.dnsName': '${dnsName.slice(0, 80)}'`);
      }
      const visibility = String(body.visibility ?? 'public');
      if (visibility !== 'public' && visibility !== 'private') throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'invalid', `Invalid value for 'entity.managedZone.visibility': '${visibility}'`);
      if (zones.has(`${project}/${name}`)) throw new CloudDnsError(409, 'ALREADY_EXISTS', 'alreadyExists', `The resource 'entity.managedZone' named '${name}' already exists`);
      const labels = typeof body.labels === 'object' && body.labels !== null ? (body.labels as Record<string, string>) : {};
      const zone = makeZone(project, { name, dnsName, description: String(body.description ?? ''), visibility, labels });
      return json(200, publicZone(zone));
    }
    if (zoneName === undefined && req.method === 'GET') {
      counts['managedZones.list']++;
      const dnsName = q.get('dnsName');
      const mine = [...zones.entries()]
        .filter(([k, z]) => k.startsWith(`${project}/`) && (dnsName === null || z.dnsName === dnsName.toLowerCase()))
        .map(([, z]) => publicZone(z))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const { slice, next } = pageOf(mine, q);
      return json(200, { kind: 'dns#managedZonesListResponse', managedZones: slice, ...(next ? { nextPageToken: next } : {}) });
    }
    if (zoneName !== undefined && sub === undefined && req.method === 'GET') {
      counts['managedZones.get']++;
      return json(200, publicZone(zoneOf(project, zoneName)));
    }
    if (zoneName !== undefined && sub === undefined && req.method === 'DELETE') {
      counts['managedZones.delete']++;
      const zone = zoneOf(project, zoneName);
      const extra = [...zone.rrsets.values()].some((r) => !(r.name === zone.dnsName && (r.type === 'NS' || r.type === 'SOA')));
      if (extra) throw new CloudDnsError(400, 'FAILED_PRECONDITION', 'containerNotEmpty', `The resource named '${zoneName}' cannot be deleted because it is not empty`);
      zones.delete(`${project}/${zoneName}`);
      return { status: 204, headers: {}, body: '' };
    }
    if (zoneName !== undefined && sub === 'rrsets' && req.method === 'GET') {
      counts['rrsets.list']++;
      const zone = zoneOf(project, zoneName);
      const name = q.get('name');
      const type = q.get('type');
      if (type !== null && name === null) throw new CloudDnsError(400, 'INVALID_ARGUMENT', 'invalid', "Invalid value for 'parameters.type': a type filter needs a name filter");
      const items = [...zone.rrsets.values()]
        .filter((r) => (name === null || r.name === name.toLowerCase()) && (type === null || r.type === type))
        .sort((a, b) => (a.name === b.name ? (a.type < b.type ? -1 : 1) : a.name < b.name ? -1 : 1));
      const { slice, next } = pageOf(items, q);
      return json(200, { kind: 'dns#resourceRecordSetsListResponse', rrsets: slice, ...(next ? { nextPageToken: next } : {}) });
    }
    if (zoneName !== undefined && sub === 'changes' && req.method === 'POST') {
      counts['changes.create']++;
      const zone = zoneOf(project, zoneName);
      const body = parseBody(req);
      const additions = Array.isArray(body.additions) ? (body.additions as unknown[]).map((r, i) => checkRrset(r, `additions[${i}]`, zone.dnsName)) : [];
      const deletions = Array.isArray(body.deletions) ? (body.deletions as unknown[]).map((r, i) => checkRrset(r, `deletions[${i}]`, zone.dnsName)) : [];
      zone.rrsets = applyChange(zone.rrsets, zone.dnsName, additions, deletions);
      if (loseChangeAnswers > 0) {
        loseChangeAnswers--;
        throw new CloudDnsError(503, 'UNAVAILABLE', 'backendError', 'The service is currently unavailable.');
      }
      const id = String(++serial);
      return json(200, { kind: 'dns#change', id, startTime: new Date().toISOString(), status: 'pending', additions, deletions });
    }
    throw new CloudDnsError(404, 'NOT_FOUND', 'notFound', `The requested URL ${url.pathname} was not found on this server.`);
  };

  const service = createFakeService((req) => {
    try {
      return route(req);
    } catch (e) {
      if (!(e instanceof CloudDnsError)) throw e;
      return json(e.code, cloudDnsError(e.code, e.status, e.reason, e.message));
    }
  });

  return Object.assign(service, {
    counts,
    zones,
    revokedTokens,
    deniedTokens,
    addZone: (project: string, input: { name: string; dnsName: string; description?: string }) => makeZone(project, input),
    loseNextChangeAnswer: () => void loseChangeAnswers++,
    lookup: (name: string, type: string) => {
      const key = rrKey(name.endsWith('.') ? name : `${name}.`, type);
      return [...zones.values()].flatMap((z) => {
        const found = z.rrsets.get(key);
        return found ? [structuredClone(found)] : [];
      });
    },
    snapshot: (): FakeCloudDnsState =>
      structuredClone({
        serial,
        zones: [...zones.entries()].map(([k, z]) => ({ project: k.slice(0, k.indexOf('/')), zone: { ...z, rrsets: [...z.rrsets.values()] } })),
      }),
    restore(state: FakeCloudDnsState) {
      serial = state.serial;
      zones.clear();
      for (const { project, zone } of structuredClone(state.zones)) {
        zones.set(`${project}/${zone.name}`, { ...zone, rrsets: new Map(zone.rrsets.map((r) => [rrKey(r.name, r.type), r])) });
      }
    },
  });
}

/** Google's production host of the Cloud DNS API. */
export const CLOUDDNS_HOST = 'https://dns.googleapis.com';
