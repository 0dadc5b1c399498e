import { compareRecordSets } from '../../dns/records/names.js';
import { recordSetOrderKey, windowInOrder } from '../../dns/records/record-window.js';
import type { AliasTarget, ChangeOutcome, DnsAuth, DnsProvider, DnsSession, ExistingZone, PlannedProviderCall, RecordChange, RecordSet, ZoneInfo } from '../../ports/dns.js';
import { WRITABLE_RECORD_TYPES } from '../../ports/dns.js';
import { createFaults, memoryProviderError, memoryRetry, type FaultControl, type MemoryRetryOptions } from '../memory-faults.js';

/**
 * How the memory provider splits a change list into calls, as data: the same shape the
 * conformance suite sizes its batches by. Values count once per DELETE and `upsertWeight` times
 * per UPSERT (Route 53 counts an UPSERT twice).
 */
export interface DnsBatchLimits {
  readonly valuesPerBatch: number;
  readonly upsertWeight: number;
  /** Value characters per call, when limited. */
  readonly charactersPerBatch?: number;
}

export const MEMORY_DNS_LIMITS = { batch: { valuesPerBatch: 100, upsertWeight: 2, charactersPerBatch: 8_000 }, pageSize: 100 } as const;

export interface MemoryDnsOptions extends MemoryRetryOptions {
  /** Which port id it stands for (default route53). */
  readonly id?: DnsProvider['id'];
  /** Whether it creates zones (Route 53, Cloud DNS, Azure DNS) or only imports existing ones (Cloudflare); default by `id`. */
  readonly createsZones?: boolean;
  /** Without `createsZones`: which domains an import finds (default none; see also `addZone`). */
  readonly importable?: (domainName: string) => boolean;
  readonly batchLimits?: DnsBatchLimits;
}

/** The memory provider plus the hooks tests drive it with (call log, failure injection, direct state). */
export interface MemoryDnsProvider extends DnsProvider, FaultControl {
  readonly batchLimits: DnsBatchLimits;
  /** Add a zone as if made outside the product (what an import finds); the one already named so when there is one. */
  addZone(domainName: string): ZoneInfo;
  /**
   * Add another zone named `domainName`, even beside one of that name (Route 53 holds several): made
   * by someone else with its own caller reference, or a private zone that `findZonesByName` leaves out.
   */
  addExistingZone(domainName: string, options?: { callerReference?: string | null; private?: boolean }): ZoneInfo;
  zoneByDomain(domainName: string): ZoneInfo | null;
  /** Every zone it holds. */
  zones(): ZoneInfo[];
  /** Every record set of a zone, in list order. */
  recordSets(zoneId: string): RecordSet[];
  /** Write a record set directly, as a change made outside the product. */
  putRecordSet(zoneId: string, set: RecordSet): void;
  dropZone(zoneId: string): void;
  /** Every set named `fqdn` of type `type`, across zones (for a resolver). */
  lookup(fqdn: string, type: string): RecordSet[];
  /** Every later call with these credentials is refused as `unauthorized`. */
  revokeCredentials(auth: DnsAuth): void;
}

interface Zone {
  readonly info: ZoneInfo;
  readonly callerReference: string | null;
  /** A Route 53 private hosted zone: never found by name. */
  readonly private: boolean;
  sets: Map<string, RecordSet>;
}

/** Cloudflare proxies only these types (anything else: error 9004). */
export const PROXIABLE_TYPES: readonly string[] = ['A', 'AAAA', 'CNAME'];
/** Cloudflare's TTL 1, "automatic": the TTL of every proxied record, whatever TTL was sent. */
const AUTOMATIC_TTL = 1;

// Alias and routing-policy fields ride along: tests seed such sets as Route 53 lists them.
const copy = (s: RecordSet): RecordSet => ({ ...s, values: [...s.values] });
/** Who a session acts as, for revocation: the key, the token, or the project/subscription a token source serves. */
function credentialOf(auth: DnsAuth): string {
  switch (auth.provider) {
    case 'route53':
      return `aws:${auth.credentials.accessKeyId}`;
    case 'cloudflare':
      return `cf:${auth.apiToken}`;
    case 'clouddns':
      return `gcp:${auth.projectId}`;
    case 'azuredns':
      return `azure:${auth.subscriptionId}`;
  }
}
const sameAlias = (a: AliasTarget | undefined, b: AliasTarget | undefined): boolean =>
  a === undefined || b === undefined
    ? a === b
    : a.hostedZoneId === b.hostedZoneId && a.dnsName.toLowerCase() === b.dnsName.toLowerCase() && a.evaluateTargetHealth === b.evaluateTargetHealth;
/** Whether a DELETE names the set held exactly: values, TTL, alias target and proxy status (absent = false). */
const sameSet = (held: RecordSet, asked: RecordSet): boolean =>
  held.ttl === asked.ttl &&
  held.values.length === asked.values.length &&
  held.values.every((v) => asked.values.includes(v)) &&
  sameAlias(held.alias, asked.alias) &&
  (held.proxied ?? false) === (asked.proxied ?? false);

/**
 * A set as the provider holds it: an alias set has `ttl: null` and `values: [dnsName]` (Route 53
 * sends the target, not values); a proxied set has the automatic TTL; `proxied: false` is the
 * default and left out, so a set written without `proxied` and one with `proxied: false` are the same.
 */
function held(set: RecordSet): RecordSet {
  const { proxied, alias, ...rest } = set;
  if (alias) {
    const dnsName = alias.dnsName.toLowerCase();
    return { ...rest, ttl: null, values: [dnsName], alias: { ...alias, dnsName } };
  }
  return proxied ? { ...rest, values: [...rest.values], ttl: AUTOMATIC_TTL, proxied: true } : { ...rest, values: [...rest.values] };
}

/** Consecutive runs of changes that fit one call each; a change that alone exceeds a limit is refused before anything is sent. */
export function splitBatches(changes: readonly RecordChange[], limits: DnsBatchLimits): RecordChange[][] {
  const batches: RecordChange[][] = [];
  let values = 0;
  let characters = 0;
  for (const change of changes) {
    const weight = change.action === 'UPSERT' ? limits.upsertWeight : 1;
    const v = change.recordSet.values.length * weight;
    const c = change.recordSet.values.reduce((n, x) => n + x.length, 0) * weight;
    if (v > limits.valuesPerBatch || c > (limits.charactersPerBatch ?? Infinity)) {
      throw memoryProviderError('memory', 'applyChanges', 'BatchTooLarge', 'invalid-input', `${change.recordSet.name} ${change.recordSet.type} alone exceeds one batch`, 400);
    }
    const last = batches.at(-1);
    if (!last || values + v > limits.valuesPerBatch || characters + c > (limits.charactersPerBatch ?? Infinity)) {
      batches.push([change]);
      values = 0;
      characters = 0;
    } else last.push(change);
    values += v;
    characters += c;
  }
  return batches;
}

/**
 * The reference DNS provider: the port's contract and nothing else, in memory. Record sets listed in
 * Route 53 order, UPSERT replaces a whole set, DELETE must match exactly, batches split at
 * `batchLimits` and applied all-or-nothing one at a time, CNAME exclusive (and off the apex unless
 * the provider flattens it), failures as ProviderCallErrors of the documented kinds.
 */
export function createMemoryDnsProvider(options: MemoryDnsOptions = {}): MemoryDnsProvider {
  const id = options.id ?? 'route53';
  const createsZones = options.createsZones ?? id !== 'cloudflare';
  const batchLimits = options.batchLimits ?? MEMORY_DNS_LIMITS.batch;
  const zones = new Map<string, Zone>();
  const revoked = new Set<string>();
  const { control, enter, write } = createFaults(id);
  const retry = memoryRetry(options);
  let serial = 0;
  const newZone = (domainName: string, callerReference: string | null, isPrivate = false): Zone => {
    const n = ++serial;
    const nameServers = [`ns-${n}.memory-dns.test`, `ns-${n + 1}.memory-dns.test`];
    const zone: Zone = { info: { hostedZoneId: `M${String(n).padStart(8, '0')}`, domainName, nameServers }, callerReference, private: isPrivate, sets: new Map() };
    if (createsZones) {
      const apex = `${domainName}.`;
      zone.sets.set(`${apex} NS`, { name: apex, type: 'NS', ttl: 172800, values: nameServers.map((s) => `${s}.`) });
      zone.sets.set(`${apex} SOA`, { name: apex, type: 'SOA', ttl: 900, values: [`${nameServers[0]}. hostmaster.memory-dns.test. 1 7200 900 1209600 86400`] });
    }
    zones.set(zone.info.hostedZoneId, zone);
    return zone;
  };
  const find = (domainName: string) => [...zones.values()].find((z) => z.info.domainName === domainName && !z.private) ?? null;
  const zoneOf = (call: string, zoneId: string): Zone => {
    const zone = zones.get(zoneId);
    if (!zone) throw memoryProviderError(id, call, 'NoSuchZone', 'not-found', `No zone with id ${zoneId}`, 404);
    return zone;
  };
  const sorted = (zone: Zone) => [...zone.sets.values()].sort(compareRecordSets).map(copy);

  /**
   * Why an alias target cannot be written, or null. Like Route 53: a target in a zone held here
   * (the same zone included) must name a set of the same type there; any other hosted-zone id stands
   * for an AWS service endpoint (load balancer, CloudFront, S3 website) and is taken as given.
   */
  function aliasRefusal(set: RecordSet, zone: Zone, sets: ReadonlyMap<string, RecordSet>): string | null {
    const alias = set.alias as AliasTarget;
    const target = alias.hostedZoneId === zone.info.hostedZoneId ? sets : zones.get(alias.hostedZoneId)?.sets;
    if (!target) return null;
    const name = alias.dnsName.toLowerCase();
    return target.has(`${name} ${set.type}`) ? null : `Tried to create an alias that targets ${name}, type ${set.type} in zone ${alias.hostedZoneId}, but that target was not found`;
  }

  /** Validate a batch against a copy of the zone; the zone changes only when all of it is valid. */
  function applyBatch(zone: Zone, batch: readonly RecordChange[]): void {
    const next = new Map(zone.sets);
    const apex = `${zone.info.domainName}.`;
    const invalid = (message: string, code = 'InvalidChangeBatch') => memoryProviderError(id, 'applyChanges', code, 'invalid-input', message, 400);
    for (const { action, recordSet } of batch) {
      const set = held(recordSet);
      const key = `${set.name} ${set.type}`;
      if (set.name !== apex && !set.name.endsWith(`.${apex}`)) throw invalid(`${set.name} is not in zone ${apex}`);
      const current = next.get(key);
      if (action === 'DELETE') {
        if (!current || !sameSet(current, set)) throw invalid(`DELETE of ${key} does not match the set held`);
        next.delete(key);
        continue;
      }
      if (!(WRITABLE_RECORD_TYPES as readonly string[]).includes(set.type)) throw invalid(`${set.type} cannot be written`);
      if (set.alias && id !== 'route53') throw invalid(`${key}: alias record sets exist only on Route 53`);
      if (set.alias) {
        const refusal = aliasRefusal(set, zone, next);
        if (refusal) throw invalid(refusal);
      }
      if (set.proxied && id !== 'cloudflare') throw invalid(`${key}: only Cloudflare proxies records`);
      // Cloudflare's own answer (code 9004) to a proxied MX, TXT, …
      if (set.proxied && !PROXIABLE_TYPES.includes(set.type)) throw invalid('This record type cannot be proxied.', '9004');
      if (set.type === 'CNAME' && set.name === apex && !(id === 'cloudflare')) throw invalid(`no CNAME at the apex ${apex}`);
      const others = [...next.values()].filter((s) => s.name === set.name && s.type !== set.type && !(s.type === 'NS' || s.type === 'SOA'));
      if (others.some((s) => s.type === 'CNAME' || set.type === 'CNAME')) throw invalid(`a CNAME cannot share ${set.name} with other types`);
      next.set(key, set);
    }
    zone.sets = next;
  }

  function session(auth: DnsAuth): DnsSession {
    if (auth.provider !== id) throw new TypeError(`the memory ${id} provider needs ${id} credentials`);
    /** One port call: logged, failure injection and credential check first, retried like a real provider. */
    const call = <T>(name: string, fn: () => T | Promise<T>, extra: { zoneId?: string; changes?: number } = {}, progress?: { appliedChanges: number; totalChanges: number }) =>
      retry(async () => {
        await enter({ call: name, ...extra }, progress);
        // Like the real Cloud DNS and Azure DNS providers: a token from the source before every request.
        if (auth.provider === 'clouddns' || auth.provider === 'azuredns') await auth.accessToken();
        if (revoked.has(credentialOf(auth))) throw memoryProviderError(id, name, 'InvalidCredentials', 'unauthorized', 'These credentials are no longer accepted', 401);
        return fn();
      });
    return {
      createOrImportZone: (input) =>
        call('createOrImportZone', () => {
          // Route 53 is idempotent by caller reference; Cloud DNS and Azure DNS by name (a zone of that name is the answer).
          const again = [...zones.values()].find((z) => z.callerReference === input.callerReference) ?? (id === 'route53' ? null : find(input.domainName));
          if (createsZones) return (again ?? newZone(input.domainName, input.callerReference)).info;
          const zone = find(input.domainName) ?? (options.importable?.(input.domainName) ? newZone(input.domainName, null) : null);
          if (!zone) throw memoryProviderError(id, 'createOrImportZone', 'ZoneNotFound', 'not-found', `No zone named ${input.domainName} is visible to these credentials`, 404);
          return zone.info;
        }),
      ...(createsZones && id === 'route53' && {
        findCreatedZone: (input: { domainName: string; callerReference: string }) =>
          call('findCreatedZone', () => [...zones.values()].find((z) => z.callerReference === input.callerReference && z.info.domainName === input.domainName)?.info ?? null),
      }),
      ...(id === 'route53' && {
        findZonesByName: (domainName: string) =>
          call('findZonesByName', () => {
            const name = domainName.toLowerCase().replace(/\.$/, '');
            // ListHostedZonesByName order within one name: by hosted-zone id.
            const found = [...zones.values()].filter((z) => z.info.domainName === name && !z.private).sort((a, b) => (a.info.hostedZoneId < b.info.hostedZoneId ? -1 : 1));
            return found.map((z): ExistingZone => ({ info: z.info, callerReference: z.callerReference }));
          }),
      }),
      getZone: (zoneId) => call('getZone', () => zones.get(zoneId)?.info ?? null, { zoneId }),
      async *listRecordSets(zone, window) {
        const pageSize = Math.min(window?.pageSize ?? MEMORY_DNS_LIMITS.pageSize, MEMORY_DNS_LIMITS.pageSize);
        const after = window?.startAfter ? recordSetOrderKey(window.startAfter) : '';
        async function* pages() {
          // Like a provider cursor: each page is read when the previous one has been consumed.
          for (let page = 0; ; page++) {
            const sets = await call('listRecordSets', () => sorted(zoneOf('listRecordSets', zone.hostedZoneId)).filter((s) => recordSetOrderKey(s) > after), { zoneId: zone.hostedZoneId });
            yield* sets.slice(page * pageSize, (page + 1) * pageSize);
            if ((page + 1) * pageSize >= sets.length) return;
          }
        }
        yield* windowInOrder(pages(), window);
      },
      getRecordSet: (zone, name, type) =>
        call('getRecordSet', () => {
          const set = zoneOf('getRecordSet', zone.hostedZoneId).sets.get(`${name.toLowerCase()} ${type}`);
          return set ? copy(set) : null;
        }, { zoneId: zone.hostedZoneId }),
      applyChanges: (zone, changes) =>
        write(zone.hostedZoneId, async () => {
          const outcomes: ChangeOutcome[] = [];
          for (const batch of splitBatches(changes, batchLimits)) {
            const progress = { appliedChanges: outcomes.length, totalChanges: changes.length };
            try {
              await call('applyChanges', () => applyBatch(zoneOf('applyChanges', zone.hostedZoneId), batch), { zoneId: zone.hostedZoneId, changes: batch.length }, progress);
            } catch (e) {
              throw typeof e === 'object' && e !== null && !('progress' in e && e.progress) ? Object.assign(e, { progress }) : e;
            }
            // As the port documents: Route 53 names each change and reports it PENDING; Cloudflare applies at once.
            const [changeId, status] = id === 'route53' ? [`C${++serial}`, 'PENDING'] : [null, 'INSYNC'];
            for (const c of batch) outcomes.push({ changeId, status, recordSet: c.action === 'DELETE' ? null : held(c.recordSet) });
          }
          return outcomes;
        }),
      // The same `splitBatches` decision as applyChanges; batches are consecutive runs of the list.
      planChanges: (zone, changes) =>
        call('planChanges', () => {
          zoneOf('planChanges', zone.hostedZoneId);
          let next = 0;
          return splitBatches(changes, batchLimits).map((batch): PlannedProviderCall => ({ call: 'applyChanges', changes: batch.map(() => next++) }));
        }, { zoneId: zone.hostedZoneId }),
      deleteZone: (zone) =>
        call('deleteZone', () => {
          const held = zones.get(zone.hostedZoneId);
          if (!held || !createsZones) return;
          if ([...held.sets.values()].some((s) => !(s.name === `${held.info.domainName}.` && (s.type === 'NS' || s.type === 'SOA')))) {
            throw memoryProviderError(id, 'deleteZone', 'ZoneNotEmpty', 'conflict', 'The zone still holds record sets', 400);
          }
          zones.delete(zone.hostedZoneId);
        }, { zoneId: zone.hostedZoneId }),
    };
  }

  return Object.assign(control, {
    id,
    capabilities: { recordTypes: WRITABLE_RECORD_TYPES, apexCname: id === 'cloudflare', createsZones, aliasRecords: id === 'route53', proxy: id === 'cloudflare' },
    batchLimits,
    session,
    addZone: (domainName: string) => (find(domainName) ?? newZone(domainName, null)).info,
    addExistingZone: (domainName: string, o: { callerReference?: string | null; private?: boolean } = {}) => newZone(domainName, o.callerReference ?? null, o.private ?? false).info,
    zoneByDomain: (domainName: string) => find(domainName)?.info ?? null,
    zones: () => [...zones.values()].map((z) => z.info),
    recordSets: (zoneId: string) => (zones.has(zoneId) ? sorted(zones.get(zoneId) as Zone) : []),
    putRecordSet: (zoneId: string, set: RecordSet) => void zoneOf('putRecordSet', zoneId).sets.set(`${set.name} ${set.type}`, copy(set)),
    dropZone: (zoneId: string) => void zones.delete(zoneId),
    lookup: (fqdn: string, type: string) => [...zones.values()].filter((z) => !z.private).flatMap((z) => [...z.sets.values()].filter((s) => s.name === fqdn && s.type === type)).map(copy),
    revokeCredentials: (auth: DnsAuth) => void revoked.add(credentialOf(auth)),
  });
}
