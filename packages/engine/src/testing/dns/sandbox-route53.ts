import { compareRecordSets } from '../../dns/records/names.js';
import { recordSetOrderKey, windowInOrder } from '../../dns/records/record-window.js';
import type { ChangeOutcome, DnsProvider, DnsSession, RecordChange, RecordSet, ZoneInfo } from '../../ports/dns.js';
import { WRITABLE_RECORD_TYPES } from '../../ports/dns.js';
import { createFaults, standInError } from './faults.js';
import { clone, type SandboxDnsProvider } from './sandbox-provider.js';

/**
 * In-memory Route 53 (sandbox mode; also the engine tests' Route 53). Behaves like the
 * real service where the engine can tell: apex NS/SOA on create, CallerReference idempotency,
 * change batches split by Route 53's limits (UPSERT counts twice) and applied all-or-nothing,
 * exact-match DELETE, CNAME exclusivity and no apex CNAME, change ids `C…` with status PENDING,
 * HostedZoneNotEmpty, NoSuchHostedZone.
 */

interface StoredZone {
  id: string;
  name: string;
  callerReference: string;
  comment: string | null;
  nameServers: string[];
  recordSets: RecordSet[];
}

/** JSON-serialisable state (sandbox mode persists it to `sandbox.json`). */
export interface SandboxRoute53State {
  readonly counter: number;
  readonly zones: readonly StoredZone[];
}

/** The Route 53 stand-in (zone ids are hosted zone ids; record sets include apex NS/SOA). */
export type SandboxRoute53Provider = SandboxDnsProvider<SandboxRoute53State>;

const P = 'route53';
const ELEMENTS = 1000;
const CHARS = 32000;

function key(name: string, type: string) {
  return `${name} ${type}`;
}

/** Split changes into Route 53 batches: ≤ 1000 elements and ≤ 32000 value characters, UPSERT counted twice. */
function planBatches(changes: readonly RecordChange[]): RecordChange[][] {
  const batches: RecordChange[][] = [];
  let current: RecordChange[] = [];
  let elements = 0;
  let chars = 0;
  for (const c of changes) {
    const f = c.action === 'UPSERT' ? 2 : 1;
    const e = c.recordSet.values.length * f;
    const ch = c.recordSet.values.reduce((s, v) => s + v.length, 0) * f;
    if (e > ELEMENTS || ch > CHARS) {
      throw standInError(P, 'ChangeResourceRecordSets', 'InvalidChangeBatch', 'invalid-input', `${c.recordSet.name} ${c.recordSet.type} exceeds the change batch limits`, 400);
    }
    if (current.length > 0 && (elements + e > ELEMENTS || chars + ch > CHARS)) {
      batches.push(current);
      current = [];
      elements = 0;
      chars = 0;
    }
    current.push(c);
    elements += e;
    chars += ch;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function sameSet(a: RecordSet, b: RecordSet): boolean {
  return a.ttl === b.ttl && a.values.length === b.values.length && a.values.every((v) => b.values.includes(v));
}

export function createSandboxRoute53Provider(): SandboxRoute53Provider {
  let counter = 0;
  const zones = new Map<string, StoredZone>();
  const { control, enter, write } = createFaults(P);
  const nextId = (prefix: string) => `${prefix}${(++counter).toString(36).toUpperCase().padStart(13, '0')}`;

  function info(z: StoredZone): ZoneInfo {
    return { hostedZoneId: z.id, domainName: z.name, nameServers: [...z.nameServers] };
  }

  function requireZone(call: string, id: string): StoredZone {
    const z = zones.get(id);
    if (!z) throw standInError(P, call, 'NoSuchHostedZone', 'not-found', `No hosted zone found with ID: ${id}`, 404);
    return z;
  }

  /** Validate and apply one batch to a copy of the zone's sets; all-or-nothing. */
  function applyBatch(z: StoredZone, batch: readonly RecordChange[]): Map<string, RecordSet> {
    const sets = new Map(z.recordSets.map((s) => [key(s.name, s.type), s]));
    const apex = `${z.name}.`;
    const invalid = (message: string) => standInError(P, 'ChangeResourceRecordSets', 'InvalidChangeBatch', 'invalid-input', message, 400);
    for (const { action, recordSet: rs } of batch) {
      const ref = `[name='${rs.name}', type='${rs.type}']`;
      if (rs.name !== apex && !rs.name.endsWith(`.${apex}`)) throw invalid(`RRSet with DNS name ${rs.name} is not permitted in zone ${apex}`);
      const k = key(rs.name, rs.type);
      if (action === 'DELETE') {
        const current = sets.get(k);
        if (!current) throw invalid(`Tried to delete resource record set ${ref} but it was not found`);
        if (!sameSet(current, rs)) throw invalid(`Tried to delete resource record set ${ref} but the values provided do not match the current values`);
        if (rs.name === apex && (rs.type === 'NS' || rs.type === 'SOA')) throw invalid(`A HostedZone must contain at least one NS record and one SOA record for the zone itself.`);
        sets.delete(k);
        continue;
      }
      if (!(WRITABLE_RECORD_TYPES as readonly string[]).includes(rs.type)) throw invalid(`Unsupported record type ${rs.type}`);
      if (rs.type === 'CNAME' && rs.name === apex) throw invalid(`RRSet of type CNAME with DNS name ${rs.name} is not permitted at apex in zone ${apex}`);
      const others = [...sets.values()].filter((s) => s.name === rs.name && s.type !== rs.type);
      if ((rs.type === 'CNAME' && others.length > 0) || (rs.type !== 'CNAME' && others.some((s) => s.type === 'CNAME'))) {
        throw invalid(`RRSet of type ${rs.type} with DNS name ${rs.name} is not permitted as it conflicts with other records with the same DNS name in zone ${apex}`);
      }
      sets.set(k, { name: rs.name, type: rs.type, ttl: rs.ttl, values: [...rs.values] });
    }
    return sets;
  }

  const session: DnsSession = {
    async createOrImportZone(input) {
      await enter({ call: 'CreateHostedZone' });
      const existing = [...zones.values()].find((z) => z.callerReference === input.callerReference);
      if (existing) return info(existing);
      const id = nextId('Z');
      const n = counter;
      const nameServers = [`ns-${n}.awsdns-${n % 64}.com`, `ns-${n + 512}.awsdns-${n % 64}.net`, `ns-${n + 1024}.awsdns-${n % 64}.org`, `ns-${n + 1536}.awsdns-${n % 64}.co.uk`];
      const apex = `${input.domainName}.`;
      const z: StoredZone = {
        id,
        name: input.domainName,
        callerReference: input.callerReference,
        comment: input.comment ?? null,
        nameServers,
        recordSets: [
          { name: apex, type: 'NS', ttl: 172800, values: nameServers.map((s) => `${s}.`) },
          { name: apex, type: 'SOA', ttl: 900, values: [`${nameServers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`] },
        ],
      };
      zones.set(id, z);
      return info(z);
    },
    async findCreatedZone(input) {
      await enter({ call: 'ListHostedZonesByName' });
      const z = [...zones.values()].find((x) => x.callerReference === input.callerReference && x.name === input.domainName);
      return z ? info(z) : null;
    },
    async getZone(id) {
      await enter({ call: 'GetHostedZone', zoneId: id });
      const z = zones.get(id);
      return z ? info(z) : null;
    },
    async *listRecordSets(zone, options) {
      const pageSize = Math.min(options?.pageSize ?? 300, 300);
      const z = requireZone('ListResourceRecordSets', zone.hostedZoneId);
      // Like Route 53's StartRecordName: the listing begins at the window, then pages lazily.
      const after = options?.startAfter ? recordSetOrderKey(options.startAfter) : '';
      const sorted = [...z.recordSets].sort(compareRecordSets).filter((s) => recordSetOrderKey(s) > after);
      async function* pages() {
        for (let i = 0; i === 0 || i < sorted.length; i += pageSize) {
          await enter({ call: 'ListResourceRecordSets', zoneId: z.id });
          for (const s of sorted.slice(i, i + pageSize)) yield clone(s);
        }
      }
      yield* windowInOrder(pages(), options);
    },
    async getRecordSet(zone, name, type) {
      await enter({ call: 'ListResourceRecordSets', zoneId: zone.hostedZoneId });
      const z = requireZone('ListResourceRecordSets', zone.hostedZoneId);
      const s = z.recordSets.find((r) => r.name === name && r.type === type);
      return s ? clone(s) : null;
    },
    async applyChanges(zone, changes) {
      return write(zone.hostedZoneId, async () => {
        const batches = planBatches(changes);
        const outcomes: ChangeOutcome[] = [];
        for (const batch of batches) {
          const progress = { appliedChanges: outcomes.length, totalChanges: changes.length };
          const wrap = (e: unknown) => {
            const err = e as { progress?: unknown };
            if (typeof e === 'object' && e !== null && err.progress === undefined) Object.assign(e, { progress });
            return e;
          };
          try {
            await enter({ call: 'ChangeResourceRecordSets', zoneId: zone.hostedZoneId, changes: batch.length }, progress);
            const z = requireZone('ChangeResourceRecordSets', zone.hostedZoneId);
            const next = applyBatch(z, batch);
            z.recordSets = [...next.values()];
          } catch (e) {
            throw wrap(e);
          }
          const changeId = nextId('C');
          for (const c of batch) outcomes.push({ changeId, status: 'PENDING', recordSet: c.action === 'DELETE' ? null : clone(c.recordSet) });
        }
        return outcomes;
      });
    },
    async deleteZone(zone) {
      await enter({ call: 'DeleteHostedZone', zoneId: zone.hostedZoneId });
      const z = zones.get(zone.hostedZoneId);
      if (!z) return;
      const apex = `${z.name}.`;
      if (z.recordSets.some((s) => !(s.name === apex && (s.type === 'NS' || s.type === 'SOA')))) {
        throw standInError(P, 'DeleteHostedZone', 'HostedZoneNotEmpty', 'conflict', 'The specified hosted zone contains non-required resource record sets and so cannot be deleted.', 400);
      }
      zones.delete(z.id);
    },
  };

  const provider = Object.assign(control, {
    id: 'route53' as const,
    capabilities: { recordTypes: WRITABLE_RECORD_TYPES, apexCname: false, createsZones: true },
    session(auth: Parameters<DnsProvider['session']>[0]): DnsSession {
      if (auth.provider !== 'route53') throw new TypeError('the Route 53 stand-in needs Route 53 credentials');
      return session;
    },
    snapshot: (): SandboxRoute53State => clone({ counter, zones: [...zones.values()] }),
    restore(state: SandboxRoute53State) {
      counter = state.counter;
      zones.clear();
      for (const z of clone(state.zones)) zones.set(z.id, z);
    },
    zoneByDomain(domain: string) {
      const z = [...zones.values()].find((x) => x.name === domain);
      return z ? info(z) : null;
    },
    recordSets: (id: string) => clone([...(zones.get(id)?.recordSets ?? [])].sort(compareRecordSets)),
    putRecordSet(id: string, set: RecordSet) {
      const z = requireZone('putRecordSet', id);
      z.recordSets = [...z.recordSets.filter((s) => !(s.name === set.name && s.type === set.type)), clone(set)];
    },
    dropZone(id: string) {
      zones.delete(id);
    },
    lookup(fqdn: string, type: string) {
      return [...zones.values()].flatMap((z) => z.recordSets.filter((s) => s.name === fqdn && s.type === type)).map(clone);
    },
  });
  return provider;
}
