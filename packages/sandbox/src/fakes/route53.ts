import { createFakeService, NO_ANSWER } from '../http/fake-service.js';
import type { FakeReply, FakeService, HandlerResult, RecordedRequest } from '../http/fake-service.js';
import { aliasOf, all, delegationXml, doc, errorXml, esc, rrsetXml, tag, unesc, zoneXml } from './route53-xml.js';
import { Route53FakeError, applyChangeBatch, fqdn, holdsRecords, listPage, listedName, seedRrsets, sortKey } from './route53-zone.js';
import type { FakeChange, FakeRrset, FakeZone } from './route53-zone.js';

export type { FakeRrset, FakeZone } from './route53-zone.js';

export type Route53Operation =
  | 'CreateHostedZone'
  | 'GetHostedZone'
  | 'DeleteHostedZone'
  | 'ListHostedZonesByName'
  | 'ListResourceRecordSets'
  | 'ChangeResourceRecordSets'
  | 'GetChange';

/** A scripted failure of the next call(s) of one operation. */
export interface Route53Failure {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
  readonly times?: number;
  /** Perform the operation, then answer with the failure: the answer was lost, the work was done. */
  readonly afterApply?: boolean;
}

/** JSON state of the fake (zones with their record sets, id counter, used caller references). */
export interface FakeRoute53State {
  readonly serial: number;
  readonly callerReferences: readonly string[];
  readonly zones: readonly (Omit<FakeZone, 'rrsets'> & { readonly rrsets: readonly FakeRrset[] })[];
}

export interface FakeRoute53 extends FakeService {
  /** Calls per operation, including failed ones. */
  readonly counts: Record<Route53Operation, number>;
  readonly zones: Map<string, FakeZone>;
  failNext(operation: Route53Operation, failure: Route53Failure): void;
  /**
   * Perform the next call of `operation`, then never answer it: the caller times out or dies (a
   * process killed right after Route 53 did the work). Resolves when that call has been performed.
   */
  holdNextAnswer(operation: Route53Operation): Promise<void>;
  /**
   * Add a hosted zone directly, as if created outside the product (another caller reference, or a
   * private zone), beside any zone of that name. Returns its id.
   */
  addZone(name: string, options?: { callerReference?: string; privateZone?: boolean }): string;
  /** Add record sets directly (e.g. a 5 000-set zone, alias or weighted sets). */
  seed(zoneId: string, sets: readonly FakeRrset[]): void;
  /** The zone's record sets in Route 53 order. */
  recordSets(zoneId: string): FakeRrset[];
  /** Highest number of ChangeResourceRecordSets calls seen in flight at once on one zone (latency included). */
  readonly maxConcurrentWrites: number;
  /** Every non-alias set named `name` (absolute or not) of type `type`, across zones. */
  lookup(name: string, type: string): FakeRrset[];
  snapshot(): FakeRoute53State;
  restore(state: FakeRoute53State): void;
}

/**
 * The XML-level rule Route 53 checks before any other: a change has an AliasTarget or a TTL with
 * ResourceRecords, never both and never neither (InvalidInput, Route 53's own message).
 */
function shapeChecked(change: string, parsed: FakeChange): FakeChange {
  const alias = parsed.rrset.aliasTarget !== undefined;
  const plain = change.includes('<TTL>') || change.includes('<ResourceRecords>');
  if (alias === plain) {
    const { action, rrset } = parsed;
    throw new Route53FakeError(
      400,
      'InvalidInput',
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${alias ? 'more than one' : 'none'} in Change with [Action=${action}, Name=${rrset.name}, Type=${rrset.type}, SetIdentifier=${rrset.setIdentifier ?? 'null'}]`,
    );
  }
  return parsed;
}

const OPERATIONS: readonly Route53Operation[] = ['CreateHostedZone', 'GetHostedZone', 'DeleteHostedZone', 'ListHostedZonesByName', 'ListResourceRecordSets', 'ChangeResourceRecordSets', 'GetChange'];

/**
 * A fake Route 53 REST-XML API that enforces the real rules (see route53-zone.ts), counts calls per
 * operation and injects failures (throttling, 5xx, lost answers).
 */
export function createFakeRoute53(): FakeRoute53 {
  const zones = new Map<string, FakeZone>();
  const changes = new Map<string, { polls: number }>();
  const counts = Object.fromEntries(OPERATIONS.map((o) => [o, 0])) as Record<Route53Operation, number>;
  const failures: { operation: Route53Operation; failure: Route53Failure; left: number }[] = [];
  const holds: { operation: Route53Operation; performed: () => void }[] = [];
  let serial = 0;
  const callerReferences = new Set<string>();

  const zoneOr404 = (id: string): FakeZone => {
    const zone = zones.get(id);
    if (!zone) throw new Route53FakeError(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${id}`);
    return zone;
  };
  const newChange = (): string => {
    const id = `C${String(++serial).padStart(12, '0')}`;
    changes.set(id, { polls: 0 });
    return id;
  };
  /** A new hosted zone with its apex NS and SOA, as CreateHostedZone makes it. */
  const newZone = (rawName: string, callerReference: string, extra: Pick<FakeZone, 'comment' | 'privateZone'> = {}): FakeZone => {
    callerReferences.add(callerReference);
    const id = `Z${String(++serial).padStart(13, '0')}`;
    const name = fqdn(rawName);
    const nameServers = [`ns-${serial}.awsdns-01.com`, `ns-${serial}.awsdns-02.net`, `ns-${serial}.awsdns-03.org`, `ns-${serial}.awsdns-04.co.uk`];
    const zone: FakeZone = { id, name, callerReference, nameServers, rrsets: new Map(), ...extra };
    seedRrsets(zone, [
      { name, type: 'NS', ttl: 172800, values: nameServers.map((n) => `${n}.`) },
      { name, type: 'SOA', ttl: 900, values: [`${nameServers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`] },
    ]);
    zones.set(id, zone);
    return zone;
  };
  const changeInfo = (id: string, status = 'PENDING'): string =>
    `<ChangeInfo><Id>/change/${id}</Id><Status>${status}</Status><SubmittedAt>2030-01-01T00:00:00.000Z</SubmittedAt></ChangeInfo>`;

  function route(req: RecordedRequest): { operation: Route53Operation; run: () => FakeReply } | undefined {
    const url = new URL(req.url, 'http://fake');
    const parts = url.pathname.split('/').filter(Boolean).slice(1);
    const q = url.searchParams;
    if (req.method === 'POST' && parts.length === 1 && parts[0] === 'hostedzone') {
      return {
        operation: 'CreateHostedZone',
        run: () => {
          const callerReference = tag(req.body, 'CallerReference') ?? '';
          if (callerReferences.has(callerReference)) {
            throw new Route53FakeError(409, 'HostedZoneAlreadyExists', 'A hosted zone has already been created with the specified caller reference.');
          }
          const comment = tag(req.body, 'Comment');
          const zone = newZone(tag(req.body, 'Name') ?? '', callerReference, comment !== undefined ? { comment } : {});
          return doc(201, 'CreateHostedZoneResponse', `${zoneXml(zone)}${changeInfo(newChange())}${delegationXml(zone)}`, {
            location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${zone.id}`,
          });
        },
      };
    }
    if (parts[0] === 'hostedzone' && parts.length === 2) {
      const id = parts[1] ?? '';
      if (req.method === 'GET') {
        return { operation: 'GetHostedZone', run: () => doc(200, 'GetHostedZoneResponse', `${zoneXml(zoneOr404(id))}${delegationXml(zoneOr404(id))}`) };
      }
      if (req.method === 'DELETE') {
        return {
          operation: 'DeleteHostedZone',
          run: () => {
            const zone = zoneOr404(id);
            if (holdsRecords(zone)) {
              throw new Route53FakeError(400, 'HostedZoneNotEmpty', 'The specified hosted zone contains non-required resource record sets and so cannot be deleted.');
            }
            zones.delete(id);
            return doc(200, 'DeleteHostedZoneResponse', changeInfo(newChange()));
          },
        };
      }
    }
    if (parts[0] === 'hostedzone' && parts[2] === 'rrset') {
      const id = parts[1] ?? '';
      if (req.method === 'GET') {
        return {
          operation: 'ListResourceRecordSets',
          run: () => {
            const maxItems = Math.min(Number(q.get('maxitems') ?? 300), 300);
            const page = listPage(zoneOr404(id), { name: q.get('name') ?? undefined, type: q.get('type') ?? undefined, identifier: q.get('identifier') ?? undefined }, maxItems);
            const identifier = page.next?.setIdentifier ? `<NextRecordIdentifier>${esc(page.next.setIdentifier)}</NextRecordIdentifier>` : '';
            const next = page.next
              ? `<IsTruncated>true</IsTruncated><NextRecordName>${esc(listedName(page.next.name))}</NextRecordName><NextRecordType>${page.next.type}</NextRecordType>${identifier}`
              : '<IsTruncated>false</IsTruncated>';
            return doc(200, 'ListResourceRecordSetsResponse', `<ResourceRecordSets>${page.sets.map(rrsetXml).join('')}</ResourceRecordSets>${next}<MaxItems>${maxItems}</MaxItems>`);
          },
        };
      }
      return {
        operation: 'ChangeResourceRecordSets',
        run: () => {
          const zone = zoneOr404(id);
          const batch: FakeChange[] = all(req.body, 'Change').map((c) => shapeChecked(c, {
            action: tag(c, 'Action') ?? '',
            rrset: {
              name: tag(c, 'Name') ?? '',
              type: tag(c, 'Type') ?? '',
              ...(tag(c, 'TTL') !== undefined ? { ttl: Number(tag(c, 'TTL')) } : {}),
              ...(tag(c, 'SetIdentifier') !== undefined ? { setIdentifier: tag(c, 'SetIdentifier') as string } : {}),
              ...(tag(c, 'Weight') !== undefined ? { weight: Number(tag(c, 'Weight')) } : {}),
              ...aliasOf(tag(c, 'AliasTarget')),
              values: all(c, 'Value').map(unesc),
            },
          }));
          applyChangeBatch(zone, batch);
          return doc(200, 'ChangeResourceRecordSetsResponse', changeInfo(newChange()));
        },
      };
    }
    // Zones are listed by name with the labels reversed (`com.example.`), then by id.
    if (req.method === 'GET' && parts[0] === 'hostedzonesbyname') {
      return {
        operation: 'ListHostedZonesByName',
        run: () => {
          const from = sortKey(q.get('dnsname') ?? '', q.get('hostedzoneid') ?? '');
          const sorted = [...zones.values()].filter((z) => sortKey(z.name, z.id) >= from).sort((a, b) => (sortKey(a.name, a.id) < sortKey(b.name, b.id) ? -1 : 1));
          const maxItems = Number(q.get('maxitems') ?? 100);
          const page = sorted.slice(0, maxItems);
          const next = sorted[maxItems];
          const tail = next ? `<IsTruncated>true</IsTruncated><NextDNSName>${next.name}</NextDNSName><NextHostedZoneId>${next.id}</NextHostedZoneId>` : '<IsTruncated>false</IsTruncated>';
          return doc(200, 'ListHostedZonesByNameResponse', `<HostedZones>${page.map(zoneXml).join('')}</HostedZones>${tail}<MaxItems>${maxItems}</MaxItems>`);
        },
      };
    }
    if (req.method === 'GET' && parts[0] === 'change') {
      return {
        operation: 'GetChange',
        run: () => {
          const change = changes.get(parts[1] ?? '');
          if (!change) throw new Route53FakeError(404, 'NoSuchChange', `A change with the specified change ID does not exist: ${parts[1]}`);
          // PENDING on the first read, INSYNC afterwards.
          return doc(200, 'GetChangeResponse', changeInfo(parts[1] ?? '', change.polls++ === 0 ? 'PENDING' : 'INSYNC'));
        },
      };
    }
    return undefined;
  }

  const service = createFakeService((req): HandlerResult => {
    const handler = route(req);
    if (!handler) return errorXml(new Route53FakeError(404, 'UnknownOperation', `No route for ${req.method} ${req.url}`));
    counts[handler.operation]++;
    const hold = holds.findIndex((h) => h.operation === handler.operation);
    if (hold >= 0) {
      const performed = holds.splice(hold, 1)[0]?.performed;
      try {
        handler.run();
      } catch {
        // the work failed; the caller still never hears of it
      } finally {
        performed?.();
      }
      return NO_ANSWER;
    }
    const slot = failures.find((f) => f.operation === handler.operation && f.left > 0);
    if (slot) slot.left--;
    const failure = slot?.failure;
    try {
      if (failure && !failure.afterApply) throw new Route53FakeError(failure.status, failure.code, failure.message ?? failure.code);
      if (failure?.afterApply) {
        handler.run();
        throw new Route53FakeError(failure.status, failure.code, failure.message ?? failure.code);
      }
      return handler.run();
    } catch (e) {
      if (e instanceof Route53FakeError) return errorXml(e);
      throw e;
    }
  });

  // Count writes in flight per zone around the whole answer, latency included: proves a zone lock serialises them.
  const inFlight = new Map<string, number>();
  let maxConcurrentWrites = 0;
  const handle = service.handle.bind(service);
  service.handle = async (req, signal) => {
    const zone = req.method === 'POST' ? /^\/[^/]+\/hostedzone\/([^/]+)\/rrset/.exec(req.url)?.[1] : undefined;
    if (zone === undefined) return handle(req, signal);
    const n = (inFlight.get(zone) ?? 0) + 1;
    inFlight.set(zone, n);
    maxConcurrentWrites = Math.max(maxConcurrentWrites, n);
    try {
      return await handle(req, signal);
    } finally {
      inFlight.set(zone, (inFlight.get(zone) ?? 1) - 1);
    }
  };

  const fake = Object.assign(service, {
    maxConcurrentWrites: 0,
    counts,
    zones,
    failNext: (operation: Route53Operation, failure: Route53Failure) => void failures.push({ operation, failure, left: failure.times ?? 1 }),
    holdNextAnswer: (operation: Route53Operation) => new Promise<void>((performed) => void holds.push({ operation, performed })),
    addZone: (name: string, o: { callerReference?: string; privateZone?: boolean } = {}) =>
      newZone(name, o.callerReference ?? `external-${serial + 1}`, o.privateZone ? { privateZone: true } : {}).id,
    seed: (zoneId: string, sets: readonly FakeRrset[]) => seedRrsets(zoneOr404(zoneId), sets),
    recordSets: (zoneId: string) => [...zoneOr404(zoneId).rrsets.values()],
    lookup: (name: string, type: string) =>
      [...zones.values()].flatMap((z) => [...z.rrsets.values()].filter((r) => r.name === fqdn(name) && r.type === type && !r.aliasTarget)).map((r) => structuredClone(r)),
    snapshot: (): FakeRoute53State =>
      structuredClone({ serial, callerReferences: [...callerReferences], zones: [...zones.values()].map((z) => ({ ...z, rrsets: [...z.rrsets.values()] })) }),
    restore(state: FakeRoute53State) {
      serial = state.serial;
      callerReferences.clear();
      for (const r of state.callerReferences) callerReferences.add(r);
      zones.clear();
      changes.clear();
      for (const { rrsets, ...z } of structuredClone(state.zones)) {
        const zone: FakeZone = { ...z, nameServers: [...z.nameServers], rrsets: new Map() };
        seedRrsets(zone, rrsets);
        zones.set(zone.id, zone);
      }
    },
  });
  // A live getter: Object.assign would copy the value once.
  Object.defineProperty(fake, 'maxConcurrentWrites', { get: () => maxConcurrentWrites, enumerable: true });
  return fake;
}
