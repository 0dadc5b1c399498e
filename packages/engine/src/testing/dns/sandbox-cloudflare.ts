import { compareRecordSets } from '../../dns/records/names.js';
import { createWindowSelector } from '../../dns/records/record-window.js';
import type { ChangeOutcome, DnsProvider, DnsSession, RecordChange, RecordSet, ZoneInfo } from '../../ports/dns.js';
import { WRITABLE_RECORD_TYPES } from '../../ports/dns.js';
import { createFaults, standInError } from './faults.js';
import { clone, type SandboxDnsProvider } from './sandbox-provider.js';

/**
 * In-memory Cloudflare (sandbox mode, see the root README). Token `invalid` is refused (verification and every
 * later call, as HTTP 401); domains under `.invalid` have no zone; every other domain has one
 * (created on first import). Records are one entry per value with a 32-hex id, grouped into
 * record sets when read; CNAME exclusivity as Cloudflare enforces it (apex CNAME allowed).
 * Writes go out as `POST /zones/<id>/dns_records/batch` calls of ≤ `batchSize` operations.
 */

interface Entry {
  id: string;
  name: string;
  type: string;
  ttl: number;
  value: string;
}

interface StoredZone {
  id: string;
  name: string;
  nameServers: string[];
  entries: Entry[];
}

export interface SandboxCloudflareState {
  readonly counter: number;
  readonly zones: readonly StoredZone[];
}

export interface SandboxCloudflareOptions {
  /** Record operations per batch call (default 200, `CLOUDLINK_CLOUDFLARE_BATCH_SIZE`). */
  readonly batchSize?: number;
}

/** The Cloudflare stand-in (zone ids are Cloudflare's 32-hex zone ids; NS/SOA are not listed). */
export type SandboxCloudflareProvider = SandboxDnsProvider<SandboxCloudflareState>;

const P = 'cloudflare';

function group(entries: readonly Entry[]): RecordSet[] {
  const sets = new Map<string, { name: string; type: string; ttl: number; values: string[]; providerIds: string[] }>();
  for (const e of entries) {
    const k = `${e.name} ${e.type}`;
    const s = sets.get(k) ?? { name: e.name, type: e.type, ttl: e.ttl, values: [], providerIds: [] };
    s.values.push(e.value);
    s.providerIds.push(e.id);
    sets.set(k, s);
  }
  return [...sets.values()].sort(compareRecordSets);
}

export function createSandboxCloudflareProvider(options: SandboxCloudflareOptions = {}): SandboxCloudflareProvider {
  const batchSize = options.batchSize ?? 200;
  let counter = 0;
  const zones = new Map<string, StoredZone>();
  const { control, enter, write } = createFaults(P);
  const hexId = () => (++counter).toString(16).padStart(32, '0');

  const info = (z: StoredZone): ZoneInfo => ({ hostedZoneId: z.id, domainName: z.name, nameServers: [...z.nameServers] });

  function requireZone(call: string, id: string): StoredZone {
    const z = zones.get(id);
    if (!z) throw standInError(P, call, '7003', 'not-found', 'Could not route to /zones/<id>, perhaps your object identifier is invalid?', 404);
    return z;
  }

  /** Operations one change expands to (for batch sizing): deletes + posts + patches. */
  function plan(z: StoredZone, c: RecordChange): { deletes: Entry[]; posts: string[]; patches: Entry[] } {
    const { name, type, values, ttl } = c.recordSet;
    const current = z.entries.filter((e) => e.name === name && e.type === type);
    if (c.action === 'DELETE') return { deletes: current.filter((e) => values.includes(e.value)), posts: [], patches: [] };
    const deletes = current.filter((e) => !values.includes(e.value));
    const kept = current.filter((e) => values.includes(e.value));
    const posts = values.filter((v) => !kept.some((e) => e.value === v));
    const patches = kept.filter((e) => e.ttl !== (ttl ?? 1));
    return { deletes, posts, patches };
  }

  function makeSession(token: string): DnsSession {
    const refuse = (call: string) => standInError(P, call, '9109', 'unauthorized', 'Invalid access token', 401);
    const guard = (call: string) => {
      if (token === 'invalid') throw refuse(call);
    };
    return {
      async createOrImportZone(input) {
        await enter({ call: 'GET /user/tokens/verify' });
        if (token === 'invalid') throw standInError(P, 'GET /user/tokens/verify', '1000', 'unauthorized', 'Invalid API Token', 401);
        await enter({ call: 'GET /zones' });
        const d = input.domainName;
        if (d === 'invalid' || d.endsWith('.invalid')) throw standInError(P, 'GET /zones', 'not_found', 'not-found', `No zone named ${d}`, 404);
        let z = [...zones.values()].find((x) => x.name === d);
        if (!z) {
          z = { id: hexId(), name: d, nameServers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'], entries: [] };
          zones.set(z.id, z);
        }
        return info(z);
      },
      async getZone(id) {
        guard(`GET /zones/${id}`);
        await enter({ call: `GET /zones/${id}`, zoneId: id });
        const z = zones.get(id);
        return z ? info(z) : null;
      },
      async *listRecordSets(zone, opts) {
        const call = `GET /zones/${zone.hostedZoneId}/dns_records`;
        guard(call);
        const perPage = opts?.pageSize ?? 100;
        const z = requireZone(call, zone.hostedZoneId);
        const sets = group(z.entries);
        // Cloudflare cannot start at a key: every page is read, the window applied to the whole.
        async function* pages() {
          for (let i = 0; i === 0 || i < sets.length; i += perPage) {
            await enter({ call, zoneId: z.id });
            for (const s of sets.slice(i, i + perPage)) yield clone(s);
          }
        }
        const selector = createWindowSelector<RecordSet>(opts);
        for await (const s of pages()) selector.offer(s, s);
        for (const [s] of selector.take()) if (s) yield s;
      },
      async getRecordSet(zone, name, type) {
        const call = `GET /zones/${zone.hostedZoneId}/dns_records`;
        guard(call);
        await enter({ call, zoneId: zone.hostedZoneId });
        const z = requireZone(call, zone.hostedZoneId);
        return group(z.entries.filter((e) => e.name === name && e.type === type))[0] ?? null;
      },
      async applyChanges(zone, changes) {
        const call = `POST /zones/${zone.hostedZoneId}/dns_records/batch`;
        guard(call);
        return write(zone.hostedZoneId, async () => {
          const z = requireZone(call, zone.hostedZoneId);
          const outcomes: ChangeOutcome[] = [];
          let i = 0;
          while (i < changes.length) {
            // One call holds as many whole changes as fit in `batchSize` operations (at least one).
            const batch: RecordChange[] = [];
            let ops = 0;
            while (i < changes.length) {
              const p = plan(z, changes[i] as RecordChange);
              const n = p.deletes.length + p.posts.length + p.patches.length;
              if (batch.length > 0 && ops + n > batchSize) break;
              batch.push(changes[i] as RecordChange);
              ops += n;
              i++;
            }
            const progress = { appliedChanges: outcomes.length, totalChanges: changes.length };
            await enter({ call, zoneId: z.id, changes: batch.length }, progress);
            const entries = clone(z.entries);
            for (const c of batch) {
              const { name, type, ttl } = c.recordSet;
              const others = entries.filter((e) => e.name === name && e.type !== type);
              if (c.action === 'UPSERT' && ((type === 'CNAME' && others.length > 0) || others.some((e) => e.type === 'CNAME'))) {
                throw Object.assign(standInError(P, call, '81053', 'invalid-input', 'An A, AAAA, or CNAME record with that host already exists.', 400), { progress });
              }
              if (c.action === 'UPSERT' && !(WRITABLE_RECORD_TYPES as readonly string[]).includes(type)) {
                throw Object.assign(standInError(P, call, '9000', 'invalid-input', `DNS record type ${type} is invalid`, 400), { progress });
              }
              const p = plan({ ...z, entries }, c);
              for (const d of p.deletes) entries.splice(entries.indexOf(entries.find((e) => e.id === d.id) as Entry), 1);
              for (const e of entries) if (p.patches.some((x) => x.id === e.id)) e.ttl = ttl ?? 1;
              for (const v of p.posts) entries.push({ id: hexId(), name, type, ttl: ttl ?? 1, value: v });
            }
            z.entries = entries;
            for (const c of batch) {
              const now = group(entries.filter((e) => e.name === c.recordSet.name && e.type === c.recordSet.type))[0] ?? null;
              outcomes.push({ changeId: null, status: 'INSYNC', recordSet: c.action === 'DELETE' ? null : now });
            }
          }
          return outcomes;
        });
      },
      async deleteZone(zone) {
        guard(`DELETE /zones/${zone.hostedZoneId}`);
        await enter({ call: `DELETE /zones/${zone.hostedZoneId}`, zoneId: zone.hostedZoneId });
        zones.delete(zone.hostedZoneId);
      },
    };
  }

  return Object.assign(control, {
    id: 'cloudflare' as const,
    capabilities: { recordTypes: WRITABLE_RECORD_TYPES, apexCname: true, createsZones: false },
    session(auth: Parameters<DnsProvider['session']>[0]): DnsSession {
      if (auth.provider !== 'cloudflare') throw new TypeError('the Cloudflare stand-in needs a Cloudflare token');
      return makeSession(auth.apiToken);
    },
    snapshot: (): SandboxCloudflareState => clone({ counter, zones: [...zones.values()] }),
    restore(state: SandboxCloudflareState) {
      counter = state.counter;
      zones.clear();
      for (const z of clone(state.zones)) zones.set(z.id, z);
    },
    zoneByDomain(domain: string) {
      const z = [...zones.values()].find((x) => x.name === domain);
      return z ? info(z) : null;
    },
    recordSets: (id: string) => clone(group(zones.get(id)?.entries ?? [])),
    putRecordSet(id: string, set: RecordSet) {
      const z = requireZone('putRecordSet', id);
      z.entries = z.entries.filter((e) => !(e.name === set.name && e.type === set.type));
      for (const v of set.values) z.entries.push({ id: hexId(), name: set.name, type: set.type, ttl: set.ttl ?? 1, value: v });
    },
    dropZone(id: string) {
      zones.delete(id);
    },
    lookup(fqdn: string, type: string) {
      return [...zones.values()].flatMap((z) => group(z.entries.filter((e) => e.name === fqdn && e.type === type)));
    },
  });
}
