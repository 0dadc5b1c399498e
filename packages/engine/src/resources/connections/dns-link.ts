import type { EngineContext } from '../../context.js';
import type { ConnectionRecordSet, Resource, ResourceConnection } from '../../domain/records.js';
import { conflict } from '../../errors/index.js';
import { sameValues } from '../../dns/records/index.js';
import { callProvider, DNS_OPERATION, type DnsOperation, type OpenZone } from '../../dns/provider-access.js';
import { readZoneView, setKey, storedManagedFlags, toStored, type ZoneView } from '../../dns/record-state.js';
import type { ChangeOutcome, RecordChange, RecordSet } from '../../ports/dns.js';
import type { StorageTx } from '../../ports/storage.js';
import { emptyPlan, reviewRecordPlan, type PlanStep, type RecordPlan, type WriteOptions } from '../../dns/record-plan.js';
import type { ConnectionOptions } from './records.js';

/**
 * The provider side of `dns` resource connections (see docs/resources.md#resource-connections and
 * docs/dns-crash-safety.md). Every function here runs under the zone's lock, which the caller holds.
 *
 * A connection row always lists every record set that may be ours at the provider: while a write is
 * under way (`pending`, or a re-point of an `active` one) it holds the sets about to be written plus
 * the earlier ones about to be removed, so a crash at any point leaves a complete trace. A live set
 * is ours when the stored copy says `managed`, or its values equal one the connection row lists.
 */

/** One connection to bring to `next`: its row, what of it may already be live, and the new state. */
export interface ConnectionWrite {
  readonly connection: ResourceConnection;
  /** The sets earlier writes of this connection may have left live ([] for a connection just created). */
  readonly previous: readonly ConnectionRecordSet[];
  readonly targetResourceId: number;
  readonly next: readonly ConnectionRecordSet[];
  readonly options: ConnectionOptions;
}

/** The checked batch of a write, ready to send (`W`: a dry run plans without connection rows). */
export interface PlannedWrite<W extends Pick<ConnectionWrite, 'previous' | 'next'> = ConnectionWrite> {
  readonly writes: readonly W[];
  readonly upserts: readonly { set: ConnectionRecordSet; live: RecordSet | null }[];
  readonly deletes: readonly RecordSet[];
}

const keyOf = (s: { name: string; type: string }) => setKey(s.name, s.type);

/** Every set a row may hold at the provider, by key, with each candidate value list. */
function candidatesOf(records: readonly ConnectionRecordSet[]): Map<string, (readonly string[])[]> {
  const out = new Map<string, (readonly string[])[]>();
  for (const s of records) out.set(keyOf(s), [...(out.get(keyOf(s)) ?? []), s.values]);
  return out;
}

const matchesCandidate = (live: RecordSet, candidates: Map<string, (readonly string[])[]>) =>
  !live.routingPolicy && (candidates.get(keyOf(live))?.some((values) => sameValues(values, live.values)) ?? false);

/** `next` plus the earlier sets not in it: what the row lists while the write is in flight. */
export function inFlightRecords(previous: readonly ConnectionRecordSet[], next: readonly ConnectionRecordSet[]): ConnectionRecordSet[] {
  const kept = previous.filter((p) => !next.some((n) => keyOf(n) === keyOf(p) && sameValues(n.values, p.values)));
  return [...next, ...kept];
}

const sameAlias = (a: ConnectionRecordSet['alias'], b: ConnectionRecordSet['alias']) =>
  a === b || (a !== undefined && b !== undefined && a.hostedZoneId === b.hostedZoneId && a.dnsName === b.dnsName && a.evaluateTargetHealth === b.evaluateTargetHealth);

/** Same sets in the same order (values as sets, like the providers compare them). */
function sameRecords(a: readonly ConnectionRecordSet[], b: readonly ConnectionRecordSet[]): boolean {
  return (
    a.length === b.length &&
    b.every((n, i) => {
      const r = a[i];
      return r !== undefined && keyOf(r) === keyOf(n) && r.ttl === n.ttl && r.proxied === n.proxied && sameValues(r.values, n.values) && sameAlias(r.alias, n.alias);
    })
  );
}

/** Whether a connection already holds exactly `next` (a re-point that changes nothing). */
export function alreadyWritten(c: ResourceConnection, next: readonly ConnectionRecordSet[], targetResourceId: number): boolean {
  return c.status === 'active' && c.targetResourceId === targetResourceId && sameRecords(c.records, next);
}

/**
 * Read the names the writes touch (targeted reads, see record-state.ts) and build one batch: DELETEs
 * of earlier sets no longer used whose live values are still ours, then UPSERTs of every new set. A
 * new set refused by a live set that is not ours (or by CNAME exclusivity with one) → 409
 * `DNS record conflict`, before anything is sent.
 */
export async function planConnectionWrite<W extends Pick<ConnectionWrite, 'previous' | 'next'>>(ctx: EngineContext, zone: OpenZone, zoneId: number, writes: readonly W[]): Promise<PlannedWrite<W>> {
  const nextSets = writes.flatMap((w) => w.next);
  const nextKeys = new Set(nextSets.map(keyOf));
  const stale = writes.flatMap((w) => w.previous.filter((p) => !nextKeys.has(keyOf(p))));
  const cnameNames = new Set(nextSets.filter((s) => s.type === 'CNAME').map((s) => s.name));
  const view: ZoneView = await callProvider(DNS_OPERATION.connect, zone.meta.provider, () => readZoneView(zone, [...nextSets, ...stale], cnameNames));
  const liveAt = (name: string) => view.typesAt(name).map((t) => view.get(name, t)).filter((s): s is RecordSet => s !== null);
  const live = [...new Set(nextSets.map((s) => s.name))].flatMap(liveAt);
  const flags = await storedManagedFlags(ctx, zoneId, live);
  const previous = candidatesOf(writes.flatMap((w) => w.previous));
  const ours = (s: RecordSet) => !s.routingPolicy && ((flags.get(keyOf(s))?.managed ?? false) || matchesCandidate(s, previous));

  const deletes = [...new Map(stale.map((s) => [keyOf(s), view.get(s.name, s.type)])).values()].filter(
    (s): s is RecordSet => s !== null && matchesCandidate(s, previous),
  );
  const deleted = new Set(deletes.map(keyOf));
  for (const s of nextSets) {
    const current = view.get(s.name, s.type);
    if (current && !ours(current)) throw conflict.dnsRecordConflict(s.name, s.type);
    // CNAME exclusivity: a CNAME and other types never share a name, unless this batch removes them.
    const blocking = liveAt(s.name).filter((l) => (s.type === 'CNAME' ? l.type !== 'CNAME' : l.type === 'CNAME') && !deleted.has(keyOf(l)) && !nextKeys.has(keyOf(l)));
    const first = blocking[0];
    if (first) throw conflict.dnsRecordConflict(first.name, first.type);
  }
  return { writes, deletes, upserts: nextSets.map((set) => ({ set, live: view.get(set.name, set.type) })) };
}

/** A connection set as the DNS port's record set (Cloudflare needs the live record ids to replace it). */
function toRecordSet(set: ConnectionRecordSet, live: RecordSet | null): RecordSet {
  return live?.providerIds ? { ...set, providerIds: live.providerIds } : { ...set };
}

/**
 * The planned batch as plan steps, in the order `applyConnectionWrite` sends them: DELETEs of
 * earlier sets, then UPSERTs of every new set (a dry run answers these; the real run sends them).
 */
export function connectionPlanSteps(plan: PlannedWrite<Pick<ConnectionWrite, 'previous' | 'next'>>): PlanStep[] {
  return [
    ...plan.deletes.map((recordSet): PlanStep => ({ current: recordSet, next: null, change: { action: 'DELETE', recordSet } })),
    ...plan.upserts.map(({ set, live }): PlanStep => {
      const recordSet = toRecordSet(set, live);
      return { current: live, next: recordSet, change: { action: 'UPSERT', recordSet } };
    }),
  ];
}

/**
 * Send the planned batch in ONE `applyChanges` call, after noting the sets it creates; then, in one
 * transaction, mark the connections `active` with their new records, record the sets as `managed` in
 * the stored copy, drop the removed ones, settle the notes and set the zone's `dns_active`. A failure
 * leaves the rows and the notes as they were: the retry, a disconnect or a zone delete finishes.
 */
export async function applyConnectionWrite(
  ctx: EngineContext,
  zone: OpenZone,
  zoneId: number,
  plan: PlannedWrite,
  /** Runs inside the final transaction (the request's audit entry commits with the change). */
  inCommit?: (tx: StorageTx) => Promise<void>,
): Promise<ResourceConnection[]> {
  const changes = connectionPlanSteps(plan).map((s) => s.change as RecordChange);
  const creations = plan.upserts.filter((u) => u.live === null).map(({ set }) => ({ name: set.name, type: set.type, values: set.values }));
  await ctx.storage.dnsRecords.noteCreateIntents(zoneId, creations, ctx.clock.now());
  // The row lists the sets about to be written and those about to go, so a crash leaves a full trace.
  for (const w of plan.writes) {
    const inFlight = inFlightRecords(w.previous, w.next);
    if (!sameRecords(w.connection.records, inFlight)) await ctx.storage.resourceConnections.updateResourceConnection(w.connection.id, { records: inFlight }, ctx.clock.now());
  }
  const outcomes: ChangeOutcome[] = await callProvider(DNS_OPERATION.connect, zone.meta.provider, () => zone.session.applyChanges(zone.info, changes));
  const upsertOutcomes = outcomes.slice(plan.deletes.length);
  const changeId = outcomes.find((o) => o.changeId !== null)?.changeId ?? null;
  const stored = plan.upserts.map(({ set }, i) => toStored(upsertOutcomes[i]?.recordSet ?? set, true));
  const removed = plan.deletes.map((s) => ({ name: s.name, type: s.type }));
  const now = ctx.clock.now();
  return ctx.storage.transaction(async (tx) => {
    const rows: ResourceConnection[] = [];
    for (const w of plan.writes) {
      const options = { ttl: w.options.ttl, proxied: w.options.proxied, changeId };
      rows.push(await tx.resourceConnections.updateResourceConnection(w.connection.id, { status: 'active', records: [...w.next], options, targetResourceId: w.targetResourceId }, now));
    }
    await tx.dnsRecords.putRecordSets(zoneId, stored, now);
    await tx.dnsRecords.deleteRecordSets(zoneId, removed);
    await tx.dnsRecords.settleCreateIntents(zoneId, [...plan.upserts.map((u) => u.set), ...removed]);
    await setDnsActive(tx, zoneId, true, now);
    await inCommit?.(tx);
    return rows;
  });
}

/** `metadata.dns_active` of the zone, read and written inside the transaction (other writes may have changed the row). */
async function setDnsActive(tx: StorageTx, zoneId: number, active: boolean, now: Date): Promise<void> {
  const zone = await tx.resources.getResourceById(zoneId);
  if (!zone || zone.metadata.dns_active === active) return;
  await tx.resources.updateResource(zoneId, { metadata: { ...zone.metadata, dns_active: active } }, now);
}

/** The distinct (name, type) keys the connections list. */
const recordKeysOf = (connections: readonly ResourceConnection[]) =>
  [...new Map(connections.flatMap((c) => c.records).map((s) => [keyOf(s), { name: s.name, type: s.type }])).values()];

/**
 * The DELETEs a disconnect sends, in one batch: exactly the sets the connections list whose live
 * values still match (a set changed since is left alone). Reads the zone; sends nothing (a dry run
 * answers these). Provider failures are the caller's to map.
 */
export async function connectionDeletes(zone: OpenZone, connections: readonly ResourceConnection[]): Promise<RecordChange[]> {
  const keys = recordKeysOf(connections);
  if (keys.length === 0) return [];
  const view = await readZoneView(zone, keys, new Set());
  const candidates = candidatesOf(connections.flatMap((c) => c.records));
  return keys
    .map((k) => view.get(k.name, k.type))
    .filter((s): s is RecordSet => s !== null && matchesCandidate(s, candidates))
    .map((recordSet) => ({ action: 'DELETE' as const, recordSet }));
}

/**
 * Disconnect (see docs/resources.md#delete-resource-connectionsid--disconnect): mark the connections
 * `deleting`; with `zone` (deleteFromCloud), delete in one batch exactly the sets they list whose live
 * values still match (a set changed since is left alone); then soft-delete them, drop their sets from
 * the stored copy and the notes, and set the zone's `dns_active` to whether an active connection
 * remains. Without `zone`, only the database changes. Safe to run again after a crash at any point.
 */
export async function disconnectConnections(
  ctx: EngineContext,
  zone: OpenZone | null,
  zoneId: number,
  connections: readonly ResourceConnection[],
  operation: DnsOperation = DNS_OPERATION.disconnect,
  /** Runs inside the final transaction (the request's audit entry commits with the change). */
  inCommit?: (tx: StorageTx) => Promise<void>,
  /**
   * A disconnect request's `dryRun`/`force`: its DELETEs are reviewed like any record write (safety
   * threshold; a dry run answers the plan and changes nothing). Absent for the disconnects a
   * resource or zone delete makes on its way.
   */
  options?: WriteOptions,
): Promise<RecordPlan | null> {
  if (connections.length === 0) return options?.dryRun ? emptyPlan(ctx) : null;
  const keys = recordKeysOf(connections);
  // Read and reviewed before anything is marked, so a dry run or a refusal leaves the rows as they were.
  const deletes = zone ? await callProvider(operation, zone.meta.provider, () => connectionDeletes(zone, connections)) : [];
  if (options) {
    const steps = deletes.map((change) => ({ current: change.recordSet, next: null, change }));
    const plan = zone ? await callProvider(operation, zone.meta.provider, () => reviewRecordPlan(ctx, zone, zoneId, steps, options)) : options.dryRun ? emptyPlan(ctx) : null;
    if (plan) return plan;
  }
  const now = ctx.clock.now();
  for (const c of connections) {
    if (c.status !== 'deleting') await ctx.storage.resourceConnections.updateResourceConnection(c.id, { status: 'deleting' }, now);
  }
  if (zone && deletes.length > 0) await callProvider(operation, zone.meta.provider, () => zone.session.applyChanges(zone.info, deletes));
  const ids = new Set(connections.map((c) => c.id));
  await ctx.storage.transaction(async (tx) => {
    for (const c of connections) await tx.resourceConnections.softDeleteResourceConnection(c.id, now);
    if (zone) {
      await tx.dnsRecords.deleteRecordSets(zoneId, keys);
      await tx.dnsRecords.settleCreateIntents(zoneId, keys);
    }
    const remaining = (await tx.resourceConnections.listConnectionsOfZone(zoneId)).filter((c) => !ids.has(c.id) && c.status === 'active');
    await setDnsActive(tx, zoneId, remaining.length > 0, now);
    await inCommit?.(tx);
  });
  return null;
}

/** The zone a connection of a subdomain writes into: the subdomain's parent. */
export const zoneIdOf = (subdomain: Resource): number | null => subdomain.parentResourceId;
