import { ProviderCallError } from '@cloudlink/engine';
import type { RecordChange, RecordSet } from '@cloudlink/engine';
import { CLOUDDNS_FEATURES, fromRrset, rrdataBytes, rrsetKey, toRrset } from './clouddns-records.js';
import type { CloudDnsRrset } from './clouddns-records.js';

export const CHANGES_CALL = 'changes.create';

/**
 * One `changes.create` a list of changes takes: the changes `[start, end)` in request order, of
 * which `changes` need an operation (an UPSERT equal to what is held needs none), and the
 * additions and deletions it sends. Cloud DNS applies one change atomically.
 */
export interface ChangeCall {
  readonly start: number;
  readonly end: number;
  readonly changes: readonly number[];
  readonly additions: readonly CloudDnsRrset[];
  readonly deletions: readonly CloudDnsRrset[];
}

/** The calls of a list of changes, and per change what it found (for outcomes and read-back). */
export interface CloudDnsPlan {
  readonly calls: readonly ChangeCall[];
  /** Per change: the set held just before it (as Cloud DNS holds it), null when none. */
  readonly before: readonly (CloudDnsRrset | null)[];
  /** Per change: true when it needs no operation (an UPSERT of exactly what is held). */
  readonly noop: readonly boolean[];
}

const sortedValues = (values: readonly string[]): string => JSON.stringify([...values].sort());

/** Whether a held rrset is the canonical set `set` (same TTL and values, in any order). */
export function sameSet(held: CloudDnsRrset, set: RecordSet): boolean {
  const canonical = fromRrset(held);
  return canonical.ttl === set.ttl && sortedValues(canonical.values) === sortedValues(set.values);
}

const refuse = (code: string, message: string, total: number) =>
  new ProviderCallError({ provider: 'clouddns', call: CHANGES_CALL, code, kind: 'invalid-input', message, progress: { appliedChanges: 0, totalChanges: total } });

/**
 * THE decision of how a list of changes goes out (applyChanges and planChanges both call it),
 * against `held`, the sets Cloud DNS holds now for the keys the list touches:
 * - an UPSERT of a new set is one addition; of a held set, the deletion of exactly the held set and
 *   the addition of the new one, in the same call (Cloud DNS has no replace); of exactly the held
 *   set, nothing;
 * - a DELETE must name the held set exactly (values in any order, TTL), like Route 53, and is the
 *   deletion of the held set;
 * - calls are filled in request order up to the declared limits (additions, deletions, rrdata
 *   bytes per change), and a key already touched in the current call starts a new one (a change
 *   holds one addition and one deletion per key at most);
 * - anything Cloud DNS cannot take as asked (alias, proxy, more values than a set holds, one
 *   change above a call's limits, a DELETE that does not match) is refused before anything is sent.
 */
export function planCloudDnsChanges(changes: readonly RecordChange[], held: ReadonlyMap<string, CloudDnsRrset | null>): CloudDnsPlan {
  const limits = CLOUDDNS_FEATURES.batchLimits;
  const state = new Map(held);
  const before: (CloudDnsRrset | null)[] = [];
  const noop: boolean[] = [];
  const calls: ChangeCall[] = [];
  let current = { start: 0, changes: [] as number[], additions: [] as CloudDnsRrset[], deletions: [] as CloudDnsRrset[], keys: new Set<string>(), bytes: 0 };
  const flush = (at: number): void => {
    if (current.changes.length > 0) calls.push({ start: current.start, end: at, changes: current.changes, additions: current.additions, deletions: current.deletions });
    else if (calls.length > 0) {
      // Changes needing nothing ride with the call before them.
      const last = calls.pop()!;
      calls.push({ ...last, end: at });
    }
    current = { start: at, changes: [], additions: [], deletions: [], keys: new Set(), bytes: 0 };
  };
  changes.forEach((change, index) => {
    const set = change.recordSet;
    const { name, type } = set;
    if (set.alias) throw refuse('AliasNotSupported', `${name} ${type}: Cloud DNS has no alias records`, changes.length);
    if (set.proxied) throw refuse('ProxyNotSupported', `${name} ${type}: Cloud DNS cannot proxy records`, changes.length);
    if (set.values.length > limits.recordsPerRrset) {
      throw refuse('TooManyRecords', `${name} ${type} has ${set.values.length} values; a Cloud DNS record set holds at most ${limits.recordsPerRrset}`, changes.length);
    }
    const key = rrsetKey(name, type);
    const was = state.get(key) ?? null;
    before.push(was);
    let additions: CloudDnsRrset[] = [];
    let deletions: CloudDnsRrset[] = [];
    if (change.action === 'DELETE') {
      if (!was) throw refuse('DeleteMismatch', `Tried to delete ${name} ${type} but it was not found`, changes.length);
      if (!sameSet(was, set)) throw refuse('DeleteMismatch', `Tried to delete ${name} ${type} but the values provided do not match the current values`, changes.length);
      deletions = [was];
      state.set(key, null);
    } else if (was && sameSet(was, set)) {
      noop.push(true);
      return;
    } else {
      const added = toRrset(set);
      additions = [added];
      deletions = was ? [was] : [];
      state.set(key, added);
    }
    noop.push(false);
    const bytes = rrdataBytes(additions.flatMap((r) => r.rrdatas ?? [])) + rrdataBytes(deletions.flatMap((r) => r.rrdatas ?? []));
    if (bytes > limits.rrdataBytesPerChange) {
      throw refuse(
        'ChangeTooLarge',
        `${change.action} of ${name} ${type} sends ${bytes} bytes of record data; one Cloud DNS change allows ${limits.rrdataBytesPerChange} (an UPSERT of a held set counts it twice)`,
        changes.length,
      );
    }
    const fits =
      !current.keys.has(key) &&
      current.additions.length + additions.length <= limits.additionsPerChange &&
      current.deletions.length + deletions.length <= limits.deletionsPerChange &&
      current.bytes + bytes <= limits.rrdataBytesPerChange;
    if (!fits) flush(index);
    current.changes.push(index);
    current.additions.push(...additions);
    current.deletions.push(...deletions);
    current.keys.add(key);
    current.bytes += bytes;
  });
  flush(changes.length);
  return { calls, before, noop };
}
