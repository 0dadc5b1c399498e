import { toFqdn } from '@cloudlink/engine';
import type { RecordChange, RecordSet } from '@cloudlink/engine';
import { heldTtl, isProxied, proxiedField, toCloudflareRecord, toRecordSet, wireValueOf } from './cloudflare-records.js';
import type { CloudflareRecord, CloudflareRecordInput } from './cloudflare-records.js';

/** The record operations one change needs, against the entries Cloudflare holds for its name and type. */
export interface ChangePlan {
  readonly index: number;
  readonly change: RecordChange;
  readonly deletes: readonly { id: string }[];
  readonly patches: readonly RecordPatch[];
  readonly posts: readonly CloudflareRecordInput[];
  /** Wire value → id of an entry kept as is (UPSERT only). */
  readonly kept: ReadonlyMap<string, string>;
  /** The set as it stands now, for an UPSERT that needs no operation. */
  readonly current: RecordSet | null;
}

/** A kept entry whose TTL or proxy status changes. */
export interface RecordPatch {
  readonly id: string;
  readonly ttl: number;
  readonly proxied?: boolean;
}

/** A slice of one plan's operations that goes out in one batch call. */
export interface PlanUnit {
  readonly plan: ChangePlan;
  readonly deletes: readonly { id: string }[];
  readonly patches: readonly RecordPatch[];
  readonly posts: readonly CloudflareRecordInput[];
}

/** `name type` key of a record set or record (name absolute, lower-case). */
export function setKey(name: string, type: string): string {
  return `${toFqdn(name)} ${type}`;
}

/**
 * Diff one change against the current entries (see docs/records.md): an UPSERT deletes entries whose value is
 * no longer wanted (and duplicates), posts missing values, patches the TTL and proxy status of kept entries;
 * a DELETE deletes every entry. An UPSERT identical to the current state needs no operation.
 */
export function planChange(index: number, change: RecordChange, current: readonly CloudflareRecord[]): ChangePlan {
  const set = change.recordSet;
  const currentSet: RecordSet | null = current.length === 0 ? null : { ...toRecordSet(current), name: set.name, type: set.type };
  if (change.action === 'DELETE') {
    return { index, change, deletes: current.map((r) => ({ id: r.id })), patches: [], posts: [], kept: new Map(), current: currentSet };
  }
  const ttl = heldTtl(set);
  const proxied = proxiedField(set);
  const wanted = new Set(set.values);
  const kept = new Map<string, string>();
  const deletes: { id: string }[] = [];
  const patches: RecordPatch[] = [];
  for (const record of current) {
    const value = wireValueOf(record);
    if (wanted.has(value) && !kept.has(value)) {
      kept.set(value, record.id);
      if (record.ttl !== ttl || (record.proxied === true) !== isProxied(set)) patches.push({ id: record.id, ttl, ...proxied });
    } else deletes.push({ id: record.id });
  }
  const posts = set.values.filter((v) => !kept.has(v)).map((v) => toCloudflareRecord(set, v));
  return { index, change, deletes, patches, posts, kept, current: currentSet };
}

/**
 * Why a DELETE cannot go out, or null: like Route 53, a DELETE must name the set exactly as held
 * (every value, the TTL, the proxy status), so a set changed since it was read is never removed by
 * mistake. A proxied set's TTL is the automatic one, whatever TTL the DELETE names.
 */
export function deleteMismatch(plan: ChangePlan): string | null {
  if (plan.change.action !== 'DELETE') return null;
  const { name, type, values } = plan.change.recordSet;
  const held = plan.current;
  if (!held) return `Tried to delete ${name} ${type} but it was not found`;
  const sorted = (v: readonly string[]) => JSON.stringify([...v].sort());
  const sameProxy = isProxied(plan.change.recordSet) === isProxied(held);
  if (!sameProxy || heldTtl(plan.change.recordSet) !== held.ttl || sorted(values) !== sorted(held.values)) {
    return `Tried to delete ${name} ${type} but the values provided do not match the current values`;
  }
  return null;
}

export function opCount(unit: Pick<PlanUnit, 'deletes' | 'patches' | 'posts'>): number {
  return unit.deletes.length + unit.patches.length + unit.posts.length;
}

/**
 * Pack plans, in request order, into batch calls of at most `batchSize` operations. A plan goes
 * whole into one call when it fits; a plan larger than a call is split over consecutive calls.
 */
export function packBatches(plans: readonly ChangePlan[], batchSize: number): PlanUnit[][] {
  const batches: PlanUnit[][] = [];
  let current: PlanUnit[] = [];
  let size = 0;
  const flush = (): void => {
    if (current.length > 0) batches.push(current);
    current = [];
    size = 0;
  };
  for (const plan of plans) {
    const count = opCount(plan);
    if (count === 0) continue;
    if (count <= batchSize) {
      if (size + count > batchSize) flush();
      current.push({ plan, deletes: plan.deletes, patches: plan.patches, posts: plan.posts });
      size += count;
      continue;
    }
    flush();
    const ops = [
      ...plan.deletes.map((d) => ({ deletes: [d], patches: [], posts: [] })),
      ...plan.patches.map((p) => ({ deletes: [], patches: [p], posts: [] })),
      ...plan.posts.map((p) => ({ deletes: [], patches: [], posts: [p] })),
    ];
    for (let i = 0; i < ops.length; i += batchSize) {
      const slice = ops.slice(i, i + batchSize);
      batches.push([{ plan, deletes: slice.flatMap((o) => o.deletes), patches: slice.flatMap((o) => o.patches), posts: slice.flatMap((o) => o.posts) }]);
    }
  }
  flush();
  return batches;
}

/**
 * After a lost answer: did this unit's operations happen? Decided from the entries now held for its
 * name and type (a batch call is one transaction, so one unit speaks for its whole call).
 */
export function unitState(unit: PlanUnit, now: readonly CloudflareRecord[]): 'applied' | 'not-applied' | 'unknown' {
  const byId = new Map(now.map((r) => [r.id, r]));
  const values = new Set(now.map(wireValueOf));
  const posted = unit.posts.map((p) => values.has(wireValueOf({ ...p, id: '' })));
  const deleted = unit.deletes.map((d) => !byId.has(d.id));
  const patched = unit.patches.map((p) => byId.get(p.id)?.ttl === p.ttl && (p.proxied === undefined || (byId.get(p.id)?.proxied ?? false) === p.proxied));
  const all = [...posted, ...deleted, ...patched];
  if (all.every(Boolean)) return 'applied';
  if (all.every((x) => !x)) return 'not-applied';
  return 'unknown';
}
