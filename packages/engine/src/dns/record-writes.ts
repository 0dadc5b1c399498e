import { environmentScope, type EnvironmentScope } from '../access/index.js';
import type { StorageTx } from '../ports/storage.js';
import { recordAudit } from '../audit/index.js';
import type { EngineContext } from '../context.js';
import type { Resource, StoredRecordSet } from '../domain/records.js';
import { notFound, validationFailed, type ValidationIssue } from '../errors/index.js';
import type { ChangeOutcome, RecordChange, RecordSet } from '../ports/dns.js';
import { isProviderCallError } from '../ports/provider-error.js';
import type { Actor } from '../ports/runtime.js';
import type { IntendedRecordSet } from '../ports/storage.js';
import { callProvider, DNS_OPERATION, mapProviderError, openZone, withZoneLock, type OpenZone } from './provider-access.js';
import { dryRunAnswer, parseWriteOptions, reviewRecordPlan, type DryRunnable, type RecordPlan, type WriteOptions } from './record-plan.js';
import type { OperationResponse } from '../responses/operations.js';
import { createIntents, isOurs, readZoneView, setKey, storedManagedFlags, toStored, type ZoneView } from './record-state.js';
import { parseRecordsRequest, sameValues } from './records/record-set.js';
import type { RecordsBody } from './schemas.js';
import { zoneMetadata } from './serialize.js';
import { findZone, type EnvironmentPath } from './zones.js';

/** `POST`/`DELETE …/dns/:id/records` input: path params + the single or batch body. */
export type RecordsInput = EnvironmentPath & { readonly id: string | number; readonly dryRun?: string | boolean; readonly force?: string | boolean } & Partial<RecordsBody> & Record<string, unknown>;

export type RecordWriteMode = 'upsert' | 'delete';
type Mode = RecordWriteMode;

/** One planned change with what we knew before sending it. */
interface Planned {
  readonly set: RecordSet;
  readonly current: RecordSet | null;
  /** null when nothing needs sending (identical UPSERT on Cloudflare). */
  readonly change: RecordChange | null;
}

/** CNAME exclusivity, apex, alias and routing-policy rules (see docs/records.md); returns the issues, in request order. */
function ruleIssues(zone: OpenZone, sets: readonly RecordSet[], view: ZoneView, mode: Mode, batch: boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const apex = `${zone.info.domainName}.`;
  const batchTypes = new Map<string, string[]>();
  if (mode === 'upsert') for (const s of sets) batchTypes.set(s.name, [...(batchTypes.get(s.name) ?? []), s.type]);
  sets.forEach((s, i) => {
    const path = batch ? `records[${i}].recordName` : 'recordName';
    const current = view.get(s.name, s.type);
    if (current?.routingPolicy) {
      issues.push({ path, message: `${s.name} ${s.type} is a routing-policy record and cannot be changed with this endpoint` });
      return;
    }
    // An alias set is changed only by alias items, a set of values only by values items: a set never
    // silently changes kind (to switch, DELETE it first).
    if (current?.alias && !s.alias) {
      issues.push({ path, message: `${s.name} ${s.type} is an alias record; ${mode === 'upsert' ? 'change' : 'delete'} it with an alias item` });
      return;
    }
    if (current && !current.alias && s.alias && mode === 'upsert') {
      issues.push({ path, message: `${s.name} ${s.type} has values; delete it before writing an alias` });
      return;
    }
    if (mode !== 'upsert') return;
    if (s.type === 'CNAME') {
      if (s.name === apex && !zone.provider.capabilities.apexCname) {
        issues.push({ path, message: 'CNAME is not allowed at the zone apex on Route 53' });
        return;
      }
      const others = [...new Set([...view.typesAt(s.name), ...(batchTypes.get(s.name) ?? [])])].filter((t) => t !== 'CNAME').sort();
      if (others.length > 0) issues.push({ path, message: `${s.name} already has ${others[0]} records; a CNAME cannot coexist with other records` });
    } else if (view.get(s.name, 'CNAME') || (batchTypes.get(s.name) ?? []).includes('CNAME')) {
      issues.push({ path, message: `${s.name} has a CNAME record; other records cannot be added` });
    }
  });
  return issues;
}

function plan(zone: OpenZone, sets: readonly RecordSet[], view: ZoneView, mode: Mode): Planned[] {
  return sets.map((set) => {
    const current = view.get(set.name, set.type);
    if (mode === 'delete') {
      // Exact match (see docs/records.md): the request's values, as a set, must equal what the provider
      // holds; an alias item names the alias target the set holds.
      const matches = current !== null && sameAliasTarget(current, set) && (set.alias !== undefined || sameValues(current.values, set.values));
      if (!matches) throw notFound.dnsRecord(set.type, set.name);
      return { set, current, change: { action: 'DELETE', recordSet: current } };
    }
    const identical =
      current !== null &&
      current.ttl === set.ttl &&
      sameValues(current.values, set.values) &&
      sameAliasTarget(current, set) &&
      current.alias?.evaluateTargetHealth === set.alias?.evaluateTargetHealth &&
      (current.proxied ?? false) === (set.proxied ?? false);
    if (identical && zone.provider.id === 'cloudflare') return { set, current, change: null };
    // How the provider addresses the set it holds: Cloudflare's record ids; Azure's ETag, sent as If-Match so a change made since this read is refused, not overwritten.
    const recordSet: RecordSet = current ? { ...set, ...(current.providerIds && { providerIds: current.providerIds }), ...(current.etag !== undefined && { etag: current.etag }) } : set;
    return { set, current, change: { action: 'UPSERT', recordSet } };
  });
}

/** Whether two sets are both plain, or both aliases of the same target (hosted zone and name). */
function sameAliasTarget(a: RecordSet, b: RecordSet): boolean {
  if (!a.alias || !b.alias) return !a.alias && !b.alias;
  return a.alias.hostedZoneId.toUpperCase() === b.alias.hostedZoneId.toUpperCase() && a.alias.dnsName.toLowerCase() === b.alias.dnsName.toLowerCase();
}

/** One answered item (docs/records.md#record-requests): alias items show their target, Cloudflare items `proxied`. */
function answerItem(set: RecordSet, mode: Mode, changeId: string | null, status: string) {
  if (mode === 'delete') return { recordName: set.name, recordType: set.type, changeId, status };
  if (set.alias) {
    const { dnsName, hostedZoneId, evaluateTargetHealth } = set.alias;
    return { recordName: set.name, recordType: set.type, alias: { target: dnsName, hostedZoneId, evaluateTargetHealth }, ttl: null, changeId, status };
  }
  const proxied = set.proxied === undefined ? {} : { proxied: set.proxied };
  return { recordName: set.name, recordType: set.type, values: [...set.values], ttl: set.ttl, ...proxied, changeId, status };
}

/** The sets a plan will create: noted before the first provider call, so a crash cannot lose that they are ours. */
const creations = (steps: readonly Planned[]) =>
  steps.filter((p) => p.change?.action === 'UPSERT' && p.current === null).map((p) => ({ name: p.set.name, type: p.set.type, values: p.set.values }));

/**
 * Mirror applied changes into the stored copy (see docs/records.md) and settle their creation notes, in one
 * transaction: new sets are `managed`; existing ones keep their flag, or become ours when an
 * earlier write noted it would create exactly what the provider holds and died before recording it.
 */
async function recordApplied(
  ctx: EngineContext,
  zoneId: number,
  applied: readonly { planned: Planned; outcome: ChangeOutcome | null }[],
  /** The audit entry of a finished write, committed with the stored copy. */
  audit?: (tx: StorageTx) => Promise<unknown>,
): Promise<void> {
  const upserts = applied.filter((a) => a.planned.change?.action === 'UPSERT' || (a.planned.change === null && a.planned.current));
  const deletes = applied.filter((a) => a.planned.change?.action === 'DELETE');
  const existing = upserts.filter((a) => a.planned.current !== null).map((a) => a.planned.set);
  const flags = await storedManagedFlags(ctx, zoneId, existing);
  const intents = existing.length > 0 ? await createIntents(ctx, zoneId) : new Map<string, IntendedRecordSet>();
  const now = ctx.clock.now();
  const put: StoredRecordSet[] = upserts.map(({ planned, outcome }) => {
    const key = setKey(planned.set.name, planned.set.type);
    const managed = planned.current === null ? true : isOurs(planned.current, flags.get(key)?.managed ?? false, intents.get(key));
    // Without an outcome (a batch applied before a later one failed) the set now holds what was sent;
    // only an UPSERT that sent nothing (identical on Cloudflare) still holds the current state.
    const held = outcome?.recordSet ?? (planned.change === null ? planned.current : null) ?? planned.set;
    return toStored(held, managed);
  });
  const removed = deletes.map((d) => ({ name: d.planned.set.name, type: d.planned.set.type }));
  const settled = [...upserts.map((u) => ({ name: u.planned.set.name, type: u.planned.set.type })), ...removed];
  if (settled.length === 0 && !audit) return;
  await ctx.storage.transaction(async (tx) => {
    if (settled.length > 0) {
      await tx.dnsRecords.putRecordSets(zoneId, put, now);
      await tx.dnsRecords.deleteRecordSets(zoneId, removed);
      await tx.dnsRecords.settleCreateIntents(zoneId, settled);
    }
    await audit?.(tx);
  });
}

/** What `planAndApplyRecordSets` did: the plan of a dry run, or the applied sets with their outcomes. */
export type RecordSetsResult =
  | { readonly dryRun: true; readonly plan: RecordPlan }
  | { readonly dryRun: false; readonly results: readonly { readonly set: RecordSet; readonly outcome: ChangeOutcome | null }[] };

/**
 * THE record-set write (see docs/records.md#plan-before-apply): under the zone lock, read the live
 * sets the request touches, check the rules, plan each set (create / update / delete / unchanged),
 * review the plan (safety threshold; a dry run answers it here, having sent and stored nothing),
 * then note creations, send the changes, and mirror them into the stored copy with the audit entry.
 * `POST`/`DELETE …/records` and the zone-file import call it with their parsed sets; `batch` picks
 * the issue paths (`records[i].recordName` or `recordName`).
 */
export async function planAndApplyRecordSets(
  ctx: EngineContext,
  actor: Actor | null,
  scope: EnvironmentScope,
  zoneRow: Resource,
  sets: readonly RecordSet[],
  mode: RecordWriteMode,
  options: WriteOptions & { readonly batch?: boolean; readonly auditOperation?: string } = {},
): Promise<RecordSetsResult> {
  const operation = mode === 'upsert' ? DNS_OPERATION.upsertRecords : DNS_OPERATION.deleteRecords;
  const zone = await openZone(ctx, scope.project, zoneRow, operation);
  const pid = zone.meta.provider;
  return withZoneLock(ctx, zoneRow, operation, async (): Promise<RecordSetsResult> => {
    const cnameNames = new Set(mode === 'upsert' ? sets.filter((s) => s.type === 'CNAME').map((s) => s.name) : []);
    const view = await callProvider(operation, pid, () => readZoneView(zone, sets, cnameNames));
    const issues = ruleIssues(zone, sets, view, mode, options.batch ?? true);
    if (issues.length > 0) throw validationFailed(issues);
    const steps = plan(zone, sets, view, mode);
    const reviewed = await callProvider(operation, pid, () =>
      reviewRecordPlan(
        ctx,
        zone,
        zoneRow.id,
        steps.map((p) => ({ current: p.current, next: p.change?.action === 'DELETE' ? null : p.set, change: p.change })),
        options,
      ),
    );
    if (reviewed) return { dryRun: true, plan: reviewed };
    const toSend = steps.filter((p) => p.change !== null);
    let outcomes: ChangeOutcome[] = [];
    // A batch left unrecorded by a crash or a lost answer keeps its notes; the next operation under
    // this lock (a retry, a sync, a delete) reconciles them with what the provider holds.
    await ctx.storage.dnsRecords.noteCreateIntents(zoneRow.id, creations(toSend), ctx.clock.now());
    try {
      if (toSend.length > 0) outcomes = await zone.session.applyChanges(zone.info, toSend.map((p) => p.change as RecordChange));
    } catch (e) {
      const appliedCount = isProviderCallError(e) && e.progress ? e.progress.appliedChanges : 0;
      // Batches before the failing one stay applied: the stored copy says so too (see docs/batching.md).
      await recordApplied(ctx, zoneRow.id, toSend.slice(0, appliedCount).map((p) => ({ planned: p, outcome: null })));
      const failed = toSend[appliedCount]?.set;
      throw mapProviderError(e, operation, pid, failed && `${failed.name} ${failed.type}`);
    }
    const byPlan = new Map<Planned, ChangeOutcome>();
    toSend.forEach((p, i) => byPlan.set(p, outcomes[i] as ChangeOutcome));
    const results = steps.map((p) => ({ planned: p, outcome: byPlan.get(p) ?? null }));
    // The stored copy and the entry commit together; the provider call is already over.
    await recordApplied(ctx, zoneRow.id, results, (tx) =>
      recordAudit(tx, ctx, actor ?? { kind: 'host' }, {
        workspaceId: scope.workspace.id,
        operation: options.auditOperation ?? (mode === 'upsert' ? 'dns.upsertRecords' : 'dns.deleteRecords'),
        targets: { projectId: scope.project.id, environmentId: scope.environment.id, zoneId: zoneRow.id },
        detail: { provider: pid, recordSets: results.length, changed: toSend.length, ...(options.force ? { forced: true } : {}) },
      }),
    );
    ctx.events.emit({ type: 'dns.changed', workspaceId: scope.workspace.id, zoneId: zoneRow.id, kind: 'records_changed' });
    return { dryRun: false, results: results.map(({ planned: p, outcome }) => ({ set: p.set, outcome })) };
  });
}

export function createRecordWriteServices(ctx: EngineContext) {
  async function write(actor: Actor | null, input: RecordsInput, mode: RecordWriteMode) {
    const scope = await environmentScope(ctx, actor, input ?? {}, 'canUpdateResources');
    const zoneRow = await findZone(ctx, scope, input?.id);
    const meta = zoneMetadata(zoneRow);
    const writeOptions = parseWriteOptions(input);
    // `dryRun` and `force` may come in the JSON body too; they are not record fields.
    const { dryRun: _d, force: _f, ...body } = (input ?? {}) as Record<string, unknown>;
    const request = parseRecordsRequest(body, meta.domainName, { ignoreTtl: mode === 'delete', zone: { provider: meta.provider, hostedZoneId: meta.hostedZoneId } });
    const done = await planAndApplyRecordSets(ctx, actor, scope, zoneRow, request.sets, mode, { ...writeOptions, batch: request.batch });
    if (done.dryRun) return dryRunAnswer(done.plan);
    const data = done.results.map(({ set, outcome }) => answerItem(set, mode, outcome?.changeId ?? null, outcome?.status ?? 'INSYNC'));
    if (!request.batch) {
      return { message: mode === 'upsert' ? 'DNS record created successfully' : 'DNS record deleted successfully', data: data[0] };
    }
    return { message: mode === 'upsert' ? 'DNS records created successfully' : 'DNS records deleted successfully', count: data.length, data };
  }

  return {
    /** POST …/dns/:id/records — `canUpdateResources`: UPSERT one record set or a batch (`dryRun`, `force`: docs/records.md#plan-before-apply). */
    upsertRecords: ((actor: Actor | null, input: RecordsInput) => write(actor, input, 'upsert')) as DryRunnable<RecordsInput, OperationResponse<'dns.upsertRecords'>>,
    /** DELETE …/dns/:id/records — `canUpdateResources`: exact-match delete of one record set or a batch (see docs/records.md). */
    deleteRecords: ((actor: Actor | null, input: RecordsInput) => write(actor, input, 'delete')) as DryRunnable<RecordsInput, OperationResponse<'dns.deleteRecords'>>,
  };
}
