import { createHash, randomUUID } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { createFakeService, json } from '../http/fake-service.js';
import type { FakeReply, FakeService, RecordedRequest } from '../http/fake-service.js';
import { armError } from './azure.js';

/**
 * A fake of Azure DNS on ARM (api-version 2018-05-01 wire format): zones and record sets under
 * `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/dnsZones/{zone}[/{type}/{relative}]`,
 * ETags on every zone and record set (a new one on every write), `If-Match` / `If-None-Match: *`
 * (412 PreconditionFailed), record set listings by `$top` and `nextLink`, the zone delete as ARM's
 * long-running operation (202 + `Azure-AsyncOperation` / `Location`, polled), apex NS and SOA made
 * with each zone, ARM's error bodies `{error:{code,message}}`.
 */

/** A record set as the fake holds it: ARM's wire properties (`TTL`, `ARecords`, `CNAMERecord`, …). */
export interface FakeAzureRecordSet {
  /** Relative name, lower-case; `@` for the apex. */
  name: string;
  type: string;
  etag: string;
  properties: Record<string, unknown>;
}

export interface FakeAzureDnsZone {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  etag: string;
  nameServers: string[];
  tags: Record<string, string>;
  /** Keyed by `relative\0TYPE`. */
  recordSets: Map<string, FakeAzureRecordSet>;
}

/** JSON state of the fake. */
export interface FakeAzureDnsState {
  readonly zones: readonly (Omit<FakeAzureDnsZone, 'recordSets'> & { readonly recordSets: readonly FakeAzureRecordSet[] })[];
}

export type AzureDnsVerdict = 'allow' | 'invalid' | 'denied';

export interface FakeAzureDnsOptions {
  /**
   * Who may call, by bearer token: `invalid` answers 401 InvalidAuthenticationToken, `denied` 403
   * AuthorizationFailed. Default: every non-empty token is allowed.
   */
  readonly authorize?: (token: string, scope: { readonly origin: string; readonly subscriptionId: string; readonly resourceGroup: string | null }) => AzureDnsVerdict;
  /** Whether a resource group exists; default only {@link DEFAULT_AZURE_DNS_RESOURCE_GROUP}, in every subscription. */
  readonly hasResourceGroup?: (subscriptionId: string, resourceGroup: string) => boolean;
  /** Polls of a zone delete that answer InProgress before it succeeds; default 1. */
  readonly deletePolls?: number;
}

export interface FakeAzureDns extends FakeService {
  /** Zones by `sub/rg/zone` (lower-case). */
  readonly zones: Map<string, FakeAzureDnsZone>;
  zone(subscriptionId: string, resourceGroup: string, zoneName: string): FakeAzureDnsZone | undefined;
  /** Create a zone directly (as if made in the portal), with its apex NS and SOA. */
  addZone(subscriptionId: string, resourceGroup: string, zoneName: string): FakeAzureDnsZone;
  /** Write a record set directly (as someone else would, through the portal): a new ETag. */
  putRecordSet(zone: FakeAzureDnsZone, relative: string, type: string, properties: Record<string, unknown>): FakeAzureRecordSet;
  /** Every record set named `fqdn` of type `type`, across zones. */
  lookup(fqdn: string, type: string): FakeAzureRecordSet[];
  /** The TXT values held for `fqdn`, in wire form (each string quoted): the sandbox resolver's source. */
  txtValues(fqdn: string): string[];
  snapshot(): FakeAzureDnsState;
  restore(state: FakeAzureDnsState): void;
}

/** The resource group the sandbox's Azure DNS holds (in every subscription) unless told otherwise. */
export const DEFAULT_AZURE_DNS_RESOURCE_GROUP = 'cloudlink-dns';

const API_VERSION_REQUIRED = 'The api-version query parameter (?api-version=) is required for all requests.';
const MAX_BODY = 256 * 1024;
const MAX_RECORD_SETS = 10_000;
const MAX_RECORDS_PER_SET = 20;
const MAX_TOP = 1000;

/** ARM's wire property of each record type, and how one record of it is checked. */
const TYPE_FIELDS: Readonly<Record<string, { readonly field: string; readonly single?: true; readonly check: (r: Record<string, unknown>) => boolean }>> = {
  A: { field: 'ARecords', check: (r) => typeof r.ipv4Address === 'string' && isIPv4(r.ipv4Address) },
  AAAA: { field: 'AAAARecords', check: (r) => typeof r.ipv6Address === 'string' && isIPv6(r.ipv6Address) },
  MX: { field: 'MXRecords', check: (r) => isUint(r.preference, 65535) && isHost(r.exchange) },
  NS: { field: 'NSRecords', check: (r) => isHost(r.nsdname) },
  PTR: { field: 'PTRRecords', check: (r) => isHost(r.ptrdname) },
  SRV: { field: 'SRVRecords', check: (r) => isUint(r.priority, 65535) && isUint(r.weight, 65535) && isUint(r.port, 65535) && isHost(r.target) },
  TXT: { field: 'TXTRecords', check: (r) => Array.isArray(r.value) && r.value.length > 0 && r.value.every((s) => typeof s === 'string' && s.length <= 1024) },
  CNAME: { field: 'CNAMERecord', single: true, check: (r) => isHost(r.cname) },
  SOA: { field: 'SOARecord', single: true, check: (r) => isHost(r.host) && isHost(r.email) },
  CAA: { field: 'caaRecords', check: (r) => isUint(r.flags, 255) && typeof r.tag === 'string' && /^[a-z0-9]{1,15}$/i.test(r.tag) && typeof r.value === 'string' },
};

const isUint = (v: unknown, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const isHost = (v: unknown): boolean => typeof v === 'string' && v.length > 0 && v.length <= 254 && /^[\w.*-]+$/.test(v);

const ZONE_PATH = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.network\/dnszones\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/i;
const OPERATION_PATH = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.network\/(dnsoperationstatuses|dnsoperationresults)\/([^/]+)$/i;

class ArmFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const fail = (status: number, code: string, message: string): never => {
  throw new ArmFailure(status, code, message);
};

const newEtag = (): string => randomUUID();
const setKey = (relative: string, type: string): string => `${relative}\u0000${type}`;

/** Azure's name servers are spread over four TLDs; the number is stable per zone. */
function nameServersFor(zone: string): string[] {
  const n = (createHash('sha256').update(zone).digest()[0] ?? 0) % 9;
  return [`ns1-0${n + 1}.azure-dns.com.`, `ns2-0${n + 1}.azure-dns.net.`, `ns3-0${n + 1}.azure-dns.org.`, `ns4-0${n + 1}.azure-dns.info.`];
}

/** `If-Match` / `If-None-Match` against the current ETag (absent: the resource does not exist). */
function checkPreconditions(req: RecordedRequest, current: string | undefined, what: string): void {
  const ifMatch = req.headers['if-match'];
  const ifNoneMatch = req.headers['if-none-match'];
  const unquote = (v: string) => v.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  if (ifMatch !== undefined) {
    const ok = current !== undefined && (ifMatch.trim() === '*' || unquote(ifMatch) === current);
    if (!ok) fail(412, 'PreconditionFailed', `The ${what} has been modified since it was read (If-Match does not match its ETag).`);
  }
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() === '*' && current !== undefined) {
    fail(412, 'PreconditionFailed', `The ${what} already exists (If-None-Match: *).`);
  }
}

export function createFakeAzureDns(options: FakeAzureDnsOptions = {}): FakeAzureDns {
  const zones = new Map<string, FakeAzureDnsZone>();
  const operations = new Map<string, { zoneKey: string; pollsLeft: number }>();
  const authorize = options.authorize ?? ((token: string) => (token ? 'allow' : 'invalid'));
  const hasResourceGroup = options.hasResourceGroup ?? ((_s: string, rg: string) => rg.toLowerCase() === DEFAULT_AZURE_DNS_RESOURCE_GROUP);
  const deletePolls = options.deletePolls ?? 1;
  const zoneKey = (sub: string, rg: string, zone: string): string => `${sub}/${rg}/${zone}`.toLowerCase();

  const zoneId = (z: FakeAzureDnsZone): string => `/subscriptions/${z.subscriptionId}/resourceGroups/${z.resourceGroup}/providers/Microsoft.Network/dnszones/${z.name}`;
  const fqdnOf = (z: FakeAzureDnsZone, relative: string): string => (relative === '@' ? `${z.name}.` : `${relative}.${z.name}.`);

  const zoneJson = (z: FakeAzureDnsZone) => ({
    id: zoneId(z),
    name: z.name,
    type: 'Microsoft.Network/dnszones',
    etag: z.etag,
    location: 'global',
    tags: z.tags,
    properties: { maxNumberOfRecordSets: MAX_RECORD_SETS, maxNumberOfRecordsPerRecordSet: MAX_RECORDS_PER_SET, numberOfRecordSets: z.recordSets.size, nameServers: z.nameServers, zoneType: 'Public' },
  });

  const setJson = (z: FakeAzureDnsZone, s: FakeAzureRecordSet) => ({
    id: `${zoneId(z)}/${s.type}/${s.name}`,
    name: s.name,
    type: `Microsoft.Network/dnszones/${s.type}`,
    etag: s.etag,
    properties: { ...s.properties, fqdn: fqdnOf(z, s.name), provisioningState: 'Succeeded', targetResource: {} },
  });

  function addZone(subscriptionId: string, resourceGroup: string, zoneName: string): FakeAzureDnsZone {
    const name = zoneName.toLowerCase();
    const zone: FakeAzureDnsZone = { subscriptionId, resourceGroup, name, etag: newEtag(), nameServers: nameServersFor(name), tags: {}, recordSets: new Map() };
    zone.recordSets.set(setKey('@', 'NS'), { name: '@', type: 'NS', etag: newEtag(), properties: { TTL: 172800, NSRecords: zone.nameServers.map((nsdname) => ({ nsdname })) } });
    zone.recordSets.set(setKey('@', 'SOA'), {
      name: '@',
      type: 'SOA',
      etag: newEtag(),
      properties: {
        TTL: 3600,
        SOARecord: { host: zone.nameServers[0], email: 'azuredns-hostmaster.microsoft.com', serialNumber: 1, refreshTime: 3600, retryTime: 300, expireTime: 2419200, minimumTTL: 300 },
      },
    });
    zones.set(zoneKey(subscriptionId, resourceGroup, name), zone);
    return zone;
  }

  function putRecordSet(zone: FakeAzureDnsZone, relative: string, type: string, properties: Record<string, unknown>): FakeAzureRecordSet {
    const set: FakeAzureRecordSet = { name: relative.toLowerCase(), type: type.toUpperCase(), etag: newEtag(), properties };
    zone.recordSets.set(setKey(set.name, set.type), set);
    return set;
  }

  /** The record set body of a PUT, checked as Azure checks it; returns the properties to store. */
  function recordSetProperties(zone: FakeAzureDnsZone, relative: string, type: string, body: unknown): Record<string, unknown> {
    const spec = TYPE_FIELDS[type];
    if (!spec) return fail(400, 'BadRequest', `The record type '${type}' is not supported.`);
    if (typeof body !== 'object' || body === null || typeof (body as { properties?: unknown }).properties !== 'object') return fail(400, 'BadRequest', 'The request body must contain properties.');
    const props = (body as { properties: Record<string, unknown> }).properties;
    const ttl = props.TTL ?? 3600;
    if (!isUint(ttl, 2147483647)) return fail(400, 'BadRequest', 'The TTL must be an integer between 0 and 2147483647.');
    for (const [otherType, other] of Object.entries(TYPE_FIELDS)) {
      if (otherType !== type && props[other.field] !== undefined && props[other.field] !== null) {
        return fail(400, 'BadRequest', `The record set of type '${type}' cannot contain records of type '${otherType}'.`);
      }
    }
    const raw = props[spec.field];
    const records = spec.single ? (raw === undefined || raw === null ? [] : [raw]) : raw === undefined || raw === null ? [] : raw;
    if (!Array.isArray(records)) return fail(400, 'BadRequest', `${spec.field} must be an array.`);
    if (records.length > MAX_RECORDS_PER_SET) return fail(400, 'BadRequest', `A record set may hold at most ${MAX_RECORDS_PER_SET} records.`);
    for (const r of records) {
      if (typeof r !== 'object' || r === null || !spec.check(r as Record<string, unknown>)) return fail(400, 'BadRequest', `A record of the ${type} record set is invalid.`);
    }
    if (type === 'CNAME' && relative === '@') return fail(400, 'BadRequest', 'A CNAME record set cannot be created at the zone apex.');
    if (type === 'SOA' && relative !== '@') return fail(400, 'BadRequest', 'The SOA record set can only exist at the zone apex.');
    if (type === 'SOA' && !zone.recordSets.has(setKey('@', 'SOA'))) return fail(400, 'BadRequest', 'The SOA record set cannot be created.');
    const others = [...zone.recordSets.values()].filter((s) => s.name === relative && s.type !== type);
    if (type === 'CNAME' && others.length > 0) return fail(400, 'BadRequest', `A CNAME record set cannot coexist with other record sets of the name '${relative}'.`);
    if (type !== 'CNAME' && others.some((s) => s.type === 'CNAME')) return fail(400, 'BadRequest', `A record set cannot coexist with the CNAME record set of the name '${relative}'.`);
    return { TTL: ttl, ...(spec.single ? (records[0] ? { [spec.field]: records[0] } : {}) : { [spec.field]: records }), ...(props.metadata ? { metadata: props.metadata } : {}) };
  }

  function parseBody(req: RecordedRequest): unknown {
    if (req.body.length > MAX_BODY) fail(413, 'RequestEntityTooLarge', 'The request body is too large.');
    try {
      return JSON.parse(req.body || '{}');
    } catch {
      return fail(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    }
  }

  function handleZone(req: RecordedRequest, sub: string, rg: string, zoneName: string): FakeReply {
    const key = zoneKey(sub, rg, zoneName);
    const zone = zones.get(key);
    const missing = (): never => fail(404, 'ResourceNotFound', `The Resource 'Microsoft.Network/dnszones/${zoneName}' under resource group '${rg}' was not found.`);
    switch (req.method) {
      case 'GET':
        return json(200, zoneJson(zone ?? missing()));
      case 'PUT': {
        checkPreconditions(req, zone?.etag, 'DNS zone');
        const body = parseBody(req) as { location?: unknown; tags?: unknown; properties?: { zoneType?: unknown } };
        if (typeof body.location !== 'string' || body.location.toLowerCase() !== 'global') return fail(400, 'LocationRequired', "The location property is required and must be 'global' for DNS zones.");
        if (body.properties?.zoneType !== undefined && body.properties.zoneType !== 'Public') return fail(400, 'BadRequest', 'Only public zones are supported.');
        if (!/^(?=.{1,253}$)(?:[\w-]{1,63}\.)+[a-z0-9-]{1,63}$/.test(zoneName)) return fail(400, 'BadRequest', `The zone name '${zoneName}' is invalid.`);
        const target = zone ?? addZone(sub, rg, zoneName);
        target.etag = newEtag();
        if (body.tags && typeof body.tags === 'object') target.tags = { ...(body.tags as Record<string, string>) };
        return json(zone ? 200 : 201, zoneJson(target));
      }
      case 'DELETE': {
        checkPreconditions(req, zone?.etag, 'DNS zone');
        if (!zone) return { status: 204 };
        const id = randomUUID();
        operations.set(id, { zoneKey: key, pollsLeft: deletePolls });
        const base = `${req.origin}/subscriptions/${sub}/providers/Microsoft.Network`;
        return {
          status: 202,
          headers: {
            'azure-asyncoperation': `${base}/dnsOperationStatuses/delzone${id}?api-version=2018-05-01`,
            location: `${base}/dnsOperationResults/delzone${id}?api-version=2018-05-01`,
            'retry-after': '1',
          },
        };
      }
      default:
        return fail(405, 'MethodNotAllowed', `The method ${req.method} is not allowed.`);
    }
  }

  function handleRecordSets(req: RecordedRequest, url: URL, sub: string, rg: string, zoneName: string, segment: string, relativeRaw: string | undefined): FakeReply {
    const zone = zones.get(zoneKey(sub, rg, zoneName)) ?? fail(404, 'ParentResourceNotFound', `Can not perform requested operation on nested resource. Parent resource '${zoneName}' not found.`);
    if (relativeRaw === undefined) {
      // recordsets, all, or one type: a listing.
      if (req.method !== 'GET') return fail(405, 'MethodNotAllowed', `The method ${req.method} is not allowed.`);
      const type = /^(?:recordsets|all)$/i.test(segment) ? undefined : segment.toUpperCase();
      const topText = url.searchParams.get('$top');
      const top = topText === null ? 100 : Number(topText);
      if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) return fail(400, 'BadRequest', `$top must be an integer between 1 and ${MAX_TOP}.`);
      const skip = url.searchParams.get('$skipToken');
      const after = skip === null ? null : Buffer.from(skip, 'base64url').toString('utf8');
      const sorted = [...zone.recordSets.entries()].filter(([k, s]) => (type === undefined || s.type === type) && (after === null || k > after)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const page = sorted.slice(0, top);
      const more = sorted.length > top;
      const last = page.at(-1)?.[0];
      const nextLink = more && last !== undefined
        ? `${req.origin}${url.pathname}?api-version=${encodeURIComponent(url.searchParams.get('api-version') ?? '')}&$top=${top}&$skipToken=${Buffer.from(last, 'utf8').toString('base64url')}`
        : undefined;
      return json(200, { value: page.map(([, s]) => setJson(zone, s)), ...(nextLink ? { nextLink } : {}) });
    }
    const type = segment.toUpperCase();
    if (!TYPE_FIELDS[type]) return fail(400, 'BadRequest', `The record type '${segment}' is not supported.`);
    const relative = decodeURIComponent(relativeRaw).toLowerCase();
    const key = setKey(relative, type);
    const current = zone.recordSets.get(key);
    const what = `record set '${relative}' of type '${type}'`;
    switch (req.method) {
      case 'GET':
        if (!current) return fail(404, 'NotFound', `The resource record '${relative}' does not exist in resource group '${rg}' of subscription '${sub}'.`);
        return json(200, setJson(zone, current));
      case 'PUT': {
        checkPreconditions(req, current?.etag, what);
        const properties = recordSetProperties(zone, relative, type, parseBody(req));
        if (!current && zone.recordSets.size >= MAX_RECORD_SETS) return fail(400, 'BadRequest', `The zone holds the maximum of ${MAX_RECORD_SETS} record sets.`);
        const set = putRecordSet(zone, relative, type, properties);
        return json(current ? 200 : 201, setJson(zone, set));
      }
      case 'DELETE':
        checkPreconditions(req, current?.etag, what);
        if (relative === '@' && (type === 'SOA' || type === 'NS')) return fail(400, 'BadRequest', `The ${type} record set at the zone apex cannot be deleted.`);
        if (!current) return { status: 204 };
        zone.recordSets.delete(key);
        return { status: 200 };
      default:
        return fail(405, 'MethodNotAllowed', `The method ${req.method} is not allowed.`);
    }
  }

  function handleOperation(kind: string, id: string): FakeReply {
    const op = operations.get(id.replace(/^delzone/, ''));
    if (!op) return fail(404, 'NotFound', 'The operation was not found.');
    if (op.pollsLeft > 0) {
      op.pollsLeft--;
      return kind.toLowerCase() === 'dnsoperationstatuses' ? json(200, { status: 'InProgress' }, { 'retry-after': '1' }) : { status: 202, headers: { 'retry-after': '1' } };
    }
    zones.delete(op.zoneKey);
    return kind.toLowerCase() === 'dnsoperationstatuses' ? json(200, { status: 'Succeeded' }) : { status: 204 };
  }

  const service = createFakeService((req): FakeReply => {
    const url = new URL(req.url, req.origin);
    try {
      const zoneMatch = ZONE_PATH.exec(url.pathname);
      const opMatch = zoneMatch ? null : OPERATION_PATH.exec(url.pathname);
      if (!zoneMatch && !opMatch) return fail(404, 'NotFound', `The resource path '${url.pathname}' was not found.`);
      if (!url.searchParams.get('api-version')) return fail(400, 'MissingApiVersionParameter', API_VERSION_REQUIRED);
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      const sub = decodeURIComponent((zoneMatch ?? opMatch)?.[1] ?? '');
      const rg = zoneMatch ? decodeURIComponent(zoneMatch[2] ?? '') : null;
      const verdict = token ? authorize(token, { origin: req.origin, subscriptionId: sub, resourceGroup: rg }) : 'invalid';
      if (verdict === 'invalid') return fail(401, token ? 'InvalidAuthenticationToken' : 'AuthenticationFailed', token ? 'The access token is invalid.' : "Authentication failed. The 'Authorization' header is missing.");
      if (verdict === 'denied') {
        return fail(403, 'AuthorizationFailed', `The client does not have authorization to perform action 'Microsoft.Network/dnszones/*' over scope '/subscriptions/${sub}${rg ? `/resourceGroups/${rg}` : ''}' or the scope is invalid.`);
      }
      if (opMatch) return handleOperation(opMatch[2] ?? '', opMatch[3] ?? '');
      const m = zoneMatch as RegExpExecArray;
      if (!hasResourceGroup(sub, rg ?? '')) return fail(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
      const zoneName = decodeURIComponent(m[3] ?? '').toLowerCase();
      if (m[4] === undefined) return handleZone(req, sub, rg ?? '', zoneName);
      return handleRecordSets(req, url, sub, rg ?? '', zoneName, m[4], m[5]);
    } catch (e) {
      if (e instanceof ArmFailure) return json(e.status, armError(e.code, e.message));
      throw e;
    }
  });

  function lookup(fqdn: string, type: string): FakeAzureRecordSet[] {
    const name = fqdn.toLowerCase().replace(/\.$/, '');
    const out: FakeAzureRecordSet[] = [];
    for (const z of zones.values()) {
      const relative = name === z.name ? '@' : name.endsWith(`.${z.name}`) ? name.slice(0, -(z.name.length + 1)) : null;
      const set = relative === null ? undefined : z.recordSets.get(setKey(relative, type.toUpperCase()));
      if (set) out.push(set);
    }
    return out;
  }

  return Object.assign(service, {
    zones,
    zone: (s: string, rg: string, z: string) => zones.get(zoneKey(s, rg, z)),
    addZone,
    putRecordSet,
    lookup,
    txtValues(fqdn: string): string[] {
      const quote = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
      return lookup(fqdn, 'TXT').flatMap((set) => ((set.properties.TXTRecords ?? []) as { value: string[] }[]).map((r) => r.value.map(quote).join(' ')));
    },
    snapshot: (): FakeAzureDnsState => structuredClone({ zones: [...zones.values()].map((z) => ({ ...z, recordSets: [...z.recordSets.values()] })) }),
    restore(state: FakeAzureDnsState) {
      zones.clear();
      operations.clear();
      for (const z of state.zones) {
        const copy = structuredClone(z);
        zones.set(zoneKey(z.subscriptionId, z.resourceGroup, z.name), { ...copy, recordSets: new Map(copy.recordSets.map((s) => [setKey(s.name, s.type), s])) });
      }
    },
  });
}
