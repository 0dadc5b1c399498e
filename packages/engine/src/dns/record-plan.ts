import type { EngineContext } from '../context.js';
import { conflict } from '../errors/index.js';
import type { PlannedProviderCall, RecordChange, RecordSet } from '../ports/dns.js';
import { parseQueryBoolean } from '../validation/index.js';
import type { Actor } from '../ports/runtime.js';
import type { OpenZone } from './provider-access.js';
import { sameValues } from './records/record-set.js';

/**
 * Plan before apply (see docs/records.md#plan-before-apply): every record write — record requests,
 * resource connections, zone delete with deleteFromCloud, zone-file import — first builds its list
 * of steps against the live zone under the zone lock, then hands it to `reviewRecordPlan`, which
 * applies the safety threshold and, for a dry run, answers the plan instead of letting the caller
 * send anything. The plan a dry run answers is therefore the plan the real run sends.
 */

/** What one record set becomes: `unchanged` is a set the request names whose content stays the same. */
export type PlanAction = 'create' | 'update' | 'delete' | 'unchanged';

/** One record set of a write: as it is now, as it will be, and the change sent for it (null when nothing is sent). */
export interface PlanStep {
  readonly current: RecordSet | null;
  readonly next: RecordSet | null;
  readonly change: RecordChange | null;
}

/** `dryRun` and `force`, as every record write takes them. */
export interface WriteOptions {
  readonly dryRun?: boolean;
  readonly force?: boolean;
}

/** A set's content in an answer (the fields a record item has). */
export interface PlannedValue {
  readonly ttl: number | null;
  readonly values: string[];
  readonly alias?: { readonly target: string; readonly hostedZoneId: string; readonly evaluateTargetHealth: boolean };
  readonly proxied?: boolean;
}

export interface PlannedChange {
  readonly action: PlanAction;
  readonly recordName: string;
  readonly recordType: string;
  readonly old: PlannedValue | null;
  readonly new: PlannedValue | null;
}

/** The `data` of a dry-run answer. */
export interface RecordPlan {
  readonly changes: PlannedChange[];
  /** The write calls the provider would get, `changes` indexing into `changes` above. */
  readonly providerCalls: { call: string; changes: number[] }[];
  readonly summary: { create: number; update: number; delete: number; unchanged: number; existingRecordSets: number };
  readonly safety: { thresholdPercent: number; minExistingRecordSets: number; applies: boolean; wouldRefuse: boolean; force: boolean };
}

/** `dryRun` and `force` from a request (query string, tRPC input or JSON body): `true`/`false` only, else 400 naming the field. */
export function parseWriteOptions(input: unknown): { dryRun: boolean; force: boolean } {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  return { dryRun: parseQueryBoolean(o.dryRun, 'dryRun') ?? false, force: parseQueryBoolean(o.force, 'force') ?? false };
}

const sameAlias = (a: RecordSet, b: RecordSet) =>
  !a.alias || !b.alias
    ? !a.alias && !b.alias
    : a.alias.hostedZoneId.toUpperCase() === b.alias.hostedZoneId.toUpperCase() &&
      a.alias.dnsName.toLowerCase() === b.alias.dnsName.toLowerCase() &&
      a.alias.evaluateTargetHealth === b.alias.evaluateTargetHealth;

/** Whether two sets hold the same content (TTL, values as a set, alias target, proxy status). */
export function sameContent(a: RecordSet, b: RecordSet): boolean {
  return a.ttl === b.ttl && sameValues(a.values, b.values) && sameAlias(a, b) && (a.proxied ?? false) === (b.proxied ?? false);
}

export function actionOf(step: PlanStep): PlanAction {
  if (step.next === null) return step.current === null ? 'unchanged' : 'delete';
  if (step.current === null) return 'create';
  return sameContent(step.current, step.next) ? 'unchanged' : 'update';
}

function valueOf(set: RecordSet | null): PlannedValue | null {
  if (!set) return null;
  const alias = set.alias ? { alias: { target: set.alias.dnsName, hostedZoneId: set.alias.hostedZoneId, evaluateTargetHealth: set.alias.evaluateTargetHealth } } : {};
  const proxied = set.proxied === undefined ? {} : { proxied: set.proxied };
  return { ttl: set.ttl, values: [...set.values], ...alias, ...proxied };
}

const counts = (steps: readonly PlanStep[]) => {
  const c = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const s of steps) c[actionOf(s)]++;
  return c;
};

const countedType = (type: string) => type !== 'NS' && type !== 'SOA';

/**
 * The zone's existing record sets (NS and SOA left out, like the stored copy), for the threshold.
 * The stored copy's count is one cheap query; the live zone is counted (one streamed listing,
 * nothing held) only when that count cannot clear the write — it would refuse, or the zone looks
 * too small to apply (a copy never synced is empty) — so a refusal is always decided on what the
 * provider holds, and a small write to a large synced zone never reads the whole zone.
 */
async function existingRecordSets(ctx: EngineContext, zone: OpenZone, zoneId: number, changed: number): Promise<number> {
  const { thresholdPercent, minExistingRecordSets } = ctx.config.dns.safety;
  const stored = await ctx.storage.dnsRecords.countRecordSets(zoneId);
  if (changed === 0 || (stored >= minExistingRecordSets && changed * 100 <= thresholdPercent * stored)) return stored;
  let live = 0;
  for await (const rs of zone.session.listRecordSets(zone.info)) if (countedType(rs.type)) live++;
  return live;
}

/**
 * The provider calls of the steps' changes, as indexes into the step list. `groups` are the runs of
 * steps the caller sends with separate `applyChanges` calls (default: one call for all), each
 * planned on its own. A provider without `planChanges` yet is shown as one call per group.
 */
async function providerCallsOf(zone: OpenZone, steps: readonly PlanStep[], groups: readonly (readonly number[])[]): Promise<{ call: string; changes: number[] }[]> {
  const out: { call: string; changes: number[] }[] = [];
  for (const group of groups) {
    const sentAt = group.filter((i) => steps[i]?.change);
    const changes = sentAt.map((i) => steps[i]?.change as RecordChange);
    if (changes.length === 0) continue;
    const planned: PlannedProviderCall[] = zone.session.planChanges
      ? await zone.session.planChanges(zone.info, changes)
      : [{ call: 'applyChanges', changes: changes.map((_, i) => i) }];
    out.push(...planned.map((p) => ({ call: p.call, changes: p.changes.map((i) => sentAt[i] as number) })));
  }
  return out;
}

/**
 * Review a planned write under the zone lock: count its updates and deletes against the safety
 * threshold, then either answer the plan (`dryRun`: nothing sent, nothing stored, the threshold's
 * verdict reported instead of thrown) or return null for the caller to apply the same steps —
 * after throwing 409 `Too many changes` when the threshold refuses and `force` is not set.
 * `threshold: false` for writes the threshold does not guard (a zone delete removes the zone's
 * sets by definition). Provider failures are the caller's to map (it runs this inside `callProvider`).
 */
export async function reviewRecordPlan(
  ctx: EngineContext,
  zone: OpenZone,
  zoneId: number,
  steps: readonly PlanStep[],
  options: WriteOptions,
  review: {
    threshold?: boolean;
    /** Runs of step indexes sent by separate `applyChanges` calls (default: all steps in one). */
    groups?: readonly (readonly number[])[];
    /** Calls after the record writes (a zone delete's `deleteZone`). */
    extraCalls?: readonly { call: string; changes: number[] }[];
  } = {},
): Promise<RecordPlan | null> {
  const { thresholdPercent, minExistingRecordSets } = ctx.config.dns.safety;
  const c = counts(steps);
  const guarded = review.threshold ?? true;
  const changed = guarded ? c.update + c.delete : 0;
  const existing = guarded || options.dryRun ? await existingRecordSets(ctx, zone, zoneId, changed) : 0;
  const applies = guarded && existing >= minExistingRecordSets;
  const wouldRefuse = applies && changed * 100 > thresholdPercent * existing;
  const force = options.force ?? false;
  if (!options.dryRun) {
    if (wouldRefuse && !force) {
      throw conflict.tooManyChanges({ update: c.update, delete: c.delete, existingRecordSets: existing, thresholdPercent, minExistingRecordSets });
    }
    return null;
  }
  const providerCalls = [...(await providerCallsOf(zone, steps, review.groups ?? [steps.map((_, i) => i)])), ...(review.extraCalls ?? [])];
  return {
    changes: steps.map((s) => {
      const set = (s.next ?? s.current) as RecordSet;
      return { action: actionOf(s), recordName: set.name, recordType: set.type, old: valueOf(s.current), new: valueOf(s.next) };
    }),
    providerCalls,
    summary: { ...c, existingRecordSets: existing },
    safety: { thresholdPercent, minExistingRecordSets, applies, wouldRefuse, force },
  };
}

/** The dry-run answer around a plan (see docs/records.md#plan-before-apply). */
export function dryRunAnswer(plan: RecordPlan): DryRunAnswer {
  return { message: 'Dry run: no changes were made', dryRun: true, data: plan };
}

export interface DryRunAnswer {
  readonly message: string;
  readonly dryRun: true;
  readonly data: RecordPlan;
}

/** The plan of a write that changes no record (a dry run of a delete that touches no provider). */
export function emptyPlan(ctx: EngineContext): RecordPlan {
  const { thresholdPercent, minExistingRecordSets } = ctx.config.dns.safety;
  return {
    changes: [],
    providerCalls: [],
    summary: { create: 0, update: 0, delete: 0, unchanged: 0, existingRecordSets: 0 },
    safety: { thresholdPercent, minExistingRecordSets, applies: false, wouldRefuse: false, force: false },
  };
}

/**
 * The type of a service that takes `dryRun`: called with `dryRun: true` it answers the plan,
 * otherwise its normal answer (a caller passing an unknown `dryRun` gets the union through the
 * transports' response schemas, which list both).
 */
export interface DryRunnable<I, R> {
  (actor: Actor | null, input: I & { readonly dryRun: true | 'true' }): Promise<DryRunAnswer>;
  (actor: Actor | null, input: I): Promise<Exclude<R, { dryRun: true }>>;
}
