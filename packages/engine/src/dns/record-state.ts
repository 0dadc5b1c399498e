import type { EngineContext } from '../context.js';
import type { StoredRecordSet } from '../domain/records.js';
import { WRITABLE_RECORD_TYPES, type RecordSet } from '../ports/dns.js';
import type { IntendedRecordSet } from '../ports/storage.js';
import type { OpenZone } from './provider-access.js';
import { sameValues } from './records/record-set.js';

/**
 * What a write needs to know about the zone before it sends anything (see docs/records.md, docs/dns-crash-safety.md): the current
 * record sets at the names a request touches, read with targeted reads when the request touches at
 * most 20 names, otherwise with one streamed zone read keeping only those names.
 */

/** Above this many distinct names, one streamed zone read replaces targeted reads. */
export const TARGETED_READ_LIMIT = 20;

export const setKey = (name: string, type: string) => `${name} ${type}`;

export interface ZoneView {
  /** Current record set per `name type` (only for keys that were read). */
  get(name: string, type: string): RecordSet | null;
  /** Types present at `name` among what was read. */
  typesAt(name: string): string[];
}

/**
 * Read the record sets a request needs. `cnameNames` are names receiving a CNAME: every type at
 * them matters (exclusivity). Other names need their own type and CNAME.
 */
export async function readZoneView(
  zone: OpenZone,
  sets: readonly { name: string; type: string }[],
  cnameNames: ReadonlySet<string>,
): Promise<ZoneView> {
  const found = new Map<string, RecordSet>();
  const names = new Set(sets.map((s) => s.name));
  if (names.size > TARGETED_READ_LIMIT) {
    for await (const rs of zone.session.listRecordSets(zone.info)) {
      if (names.has(rs.name)) found.set(setKey(rs.name, rs.type), rs);
    }
  } else {
    const wanted = new Set<string>();
    for (const s of sets) {
      wanted.add(setKey(s.name, s.type));
      wanted.add(setKey(s.name, 'CNAME'));
      if (cnameNames.has(s.name)) for (const t of WRITABLE_RECORD_TYPES) wanted.add(setKey(s.name, t));
    }
    for (const k of wanted) {
      const i = k.lastIndexOf(' ');
      const rs = await zone.session.getRecordSet(zone.info, k.slice(0, i), k.slice(i + 1));
      if (rs) found.set(k, rs);
    }
  }
  const byName = new Map<string, string[]>();
  for (const rs of found.values()) byName.set(rs.name, [...(byName.get(rs.name) ?? []), rs.type]);
  return {
    get: (name, type) => found.get(setKey(name, type)) ?? null,
    typesAt: (name) => [...(byName.get(name) ?? [])].sort(),
  };
}

/** Stored `managed` flags for the keys of a request (targeted for few, one listing for many). */
export async function storedManagedFlags(ctx: EngineContext, zoneResourceId: number, keys: readonly { name: string; type: string }[]): Promise<Map<string, StoredRecordSet>> {
  const out = new Map<string, StoredRecordSet>();
  if (keys.length <= TARGETED_READ_LIMIT) {
    for (const k of keys) {
      const s = await ctx.storage.dnsRecords.getRecordSet(zoneResourceId, k.name, k.type);
      if (s) out.set(setKey(s.name, s.type), s);
    }
    return out;
  }
  const wanted = new Set(keys.map((k) => setKey(k.name, k.type)));
  for (const s of await ctx.storage.dnsRecords.listRecordSets(zoneResourceId)) {
    const k = setKey(s.name, s.type);
    if (wanted.has(k)) out.set(k, s);
  }
  return out;
}

/**
 * The zone's creation notes by key. Under the zone lock every note left belongs to a write that
 * ended without recording its outcome (a crash, a lost answer), so the provider's state decides.
 */
export async function createIntents(ctx: EngineContext, zoneResourceId: number): Promise<Map<string, IntendedRecordSet>> {
  return new Map((await ctx.storage.dnsRecords.listCreateIntents(zoneResourceId)).map((i) => [setKey(i.name, i.type), i]));
}

/**
 * The `name type` keys of the stored sets marked `managed`: all a sync needs from the stored copy,
 * so the copy itself is not held while the fresh one is listed (that would double its memory).
 */
export async function managedSetKeys(ctx: EngineContext, zoneResourceId: number): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const s of await ctx.storage.dnsRecords.listRecordSets(zoneResourceId)) if (s.managed) keys.add(setKey(s.name, s.type));
  return keys;
}

/**
 * Whether a live record set is ours: the stored copy marks it `managed`, or a write noted it would
 * create exactly these values and then died before recording that it had.
 */
export function isOurs(live: RecordSet, storedManaged: boolean, intent: IntendedRecordSet | undefined): boolean {
  return storedManaged || (intent !== undefined && sameValues(intent.values, live.values));
}

/** The stored form of a provider record set. */
export function toStored(rs: RecordSet, managed: boolean): StoredRecordSet {
  return { name: rs.name, type: rs.type, ttl: rs.ttl, values: [...rs.values], managed, providerIds: rs.providerIds ? [...rs.providerIds] : null };
}
