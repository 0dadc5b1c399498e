import { ProviderCallError } from '@cloudlink/engine';
import type { ChangeOutcome, PlannedProviderCall, RecordChange, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { withApplyProgress } from '../shared/index.js';
import { cfCall } from './cloudflare-call.js';
import type { CloudflareCallContext } from './cloudflare-call.js';
import { deleteMismatch, packBatches, planChange, setKey, unitState } from './cloudflare-plan.js';
import type { ChangePlan, PlanUnit } from './cloudflare-plan.js';
import { heldTtl, isProxied, wireValueOf } from './cloudflare-records.js';
import type { CloudflareRecord } from './cloudflare-records.js';

/** The current entries of each `name type` key asked for. */
export type ReadEntries = (keys: ReadonlySet<string>) => Promise<Map<string, CloudflareRecord[]>>;

/** The call name a batch is sent (and failed) under. */
const batchCall = (zone: ZoneInfo) => `POST /zones/${zone.hostedZoneId}/dns_records/batch`;

/**
 * The one decision behind both `applyChanges` and `planChanges`: read the current entries of every
 * touched name+type, diff each change into deletes/patches/posts, refuse what cannot go out as asked
 * (before anything is sent), and pack the operations into batch calls.
 */
async function decideCloudflareBatches(
  ctx: CloudflareCallContext,
  zone: ZoneInfo,
  changes: readonly RecordChange[],
  readEntries: ReadEntries,
): Promise<{ plans: ChangePlan[]; batches: PlanUnit[][] }> {
  const keyOf = (c: RecordChange): string => setKey(c.recordSet.name, c.recordSet.type);
  const current = await readEntries(new Set(changes.map(keyOf)));
  const plans = changes.map((change, i) => planChange(i, change, current.get(keyOf(change)) ?? []));
  for (const plan of plans) {
    // Cloudflare has no alias sets (capabilities.aliasRecords): one cannot be written as asked.
    const { alias, name, type } = plan.change.recordSet;
    const [code, mismatch] = alias ? ['AliasNotSupported', `${name} ${type}: Cloudflare has no alias records`] : ['DeleteMismatch', deleteMismatch(plan)];
    if (mismatch === null) continue;
    // Refused before anything is sent, so no change of the list is applied.
    throw new ProviderCallError({
      provider: 'cloudflare',
      call: batchCall(zone),
      code,
      kind: 'invalid-input',
      message: mismatch,
      progress: { appliedChanges: 0, totalChanges: changes.length },
    });
  }
  return { plans, batches: packBatches(plans, ctx.batchSize) };
}

/**
 * The batch calls `applyCloudflareChanges` would make now (a dry run): the same decision, without
 * sending. A change that needs no operation (an identical UPSERT) is in no call.
 */
export async function planCloudflareChanges(
  ctx: CloudflareCallContext,
  zone: ZoneInfo,
  changes: readonly RecordChange[],
  readEntries: ReadEntries,
): Promise<PlannedProviderCall[]> {
  const { batches } = await decideCloudflareBatches(ctx, zone, changes, readEntries);
  return batches.map((batch) => ({ call: batchCall(zone), changes: [...new Set(batch.map((unit) => unit.plan.index))] }));
}

/**
 * Apply changes (see docs/records.md, docs/batching.md): read the current entries of every touched name+type, diff each
 * change into deletes/patches/posts, and send them through the batch endpoint in calls of at most
 * `batchSize` operations, in request order, one call at a time.
 */
export async function applyCloudflareChanges(
  ctx: CloudflareCallContext,
  zone: ZoneInfo,
  changes: readonly RecordChange[],
  readEntries: ReadEntries,
  signal?: AbortSignal,
): Promise<ChangeOutcome[]> {
  const { plans, batches } = await decideCloudflareBatches(ctx, zone, changes, readEntries);
  const postedIds = new Map<ChangePlan, string[]>();
  for (const batch of batches) {
    const firstIndex = batch[0]?.plan.index ?? 0;
    try {
      const posted = await sendBatch(ctx, zone, batch, readEntries, signal);
      batch.forEach((unit, i) => postedIds.set(unit.plan, [...(postedIds.get(unit.plan) ?? []), ...(posted[i] ?? [])]));
    } catch (e) {
      // Every change before the first one of the failed call went out whole in an earlier call.
      throw withApplyProgress(e, firstIndex, changes.length);
    }
  }
  return plans.map((plan) => outcomeOf(plan, postedIds.get(plan) ?? []));
}

function outcomeOf(plan: ChangePlan, posted: readonly string[]): ChangeOutcome {
  if (plan.change.action === 'DELETE') return { changeId: null, status: 'INSYNC', recordSet: null };
  const set = plan.change.recordSet;
  const fresh = [...posted];
  const nothingSent = plan.deletes.length + plan.patches.length + plan.posts.length === 0;
  const recordSet: RecordSet = nothingSent && plan.current
    ? plan.current
    : {
        name: set.name,
        type: set.type,
        ttl: heldTtl(set),
        values: set.values,
        ...(isProxied(set) ? { proxied: true } : {}),
        providerIds: set.values.map((v) => plan.kept.get(v) ?? fresh.shift() ?? ''),
      };
  return { changeId: null, status: 'INSYNC', recordSet };
}

/**
 * One batch call; returns the ids of posted records per unit. A call with writes is not resent
 * blindly after a 5xx/timeout: the first unit's name+type is read back (the call is one
 * transaction), and the call is resent only when nothing of it happened.
 */
async function sendBatch(
  ctx: CloudflareCallContext,
  zone: ZoneInfo,
  batch: readonly PlanUnit[],
  readEntries: ReadEntries,
  signal: AbortSignal | undefined,
): Promise<string[][]> {
  const body = {
    zone_id: zone.hostedZoneId,
    deletes: batch.flatMap((u) => u.deletes),
    patches: batch.flatMap((u) => u.patches),
    posts: batch.flatMap((u) => u.posts),
  };
  const call = batchCall(zone);
  const send = async (): Promise<string[][]> => {
    const result = await (await ctx.client()).dns.records.batch(body as never, signal ? { signal } : {});
    const ids = (result.posts ?? []).map((r) => r.id);
    return batch.map((u) => ids.splice(0, u.posts.length));
  };
  const witness = batch[0];
  return cfCall<string[][]>(ctx, call, send, {
    safeToResend: false,
    signal,
    ...(witness && {
      readBack: async () => {
        const key = setKey(witness.plan.change.recordSet.name, witness.plan.change.recordSet.type);
        const state = unitState(witness, (await readEntries(new Set([key]))).get(key) ?? []);
        if (state === 'applied') return { applied: true as const, value: await recoverPostedIds(batch, readEntries) };
        return state === 'not-applied' ? { applied: false as const } : undefined;
      },
    }),
  });
}

/** The batch applied but its answer was lost: find the ids of the records it posted by reading them back. */
async function recoverPostedIds(batch: readonly PlanUnit[], readEntries: ReadEntries): Promise<string[][]> {
  const withPosts = batch.filter((u) => u.posts.length > 0);
  const keys = new Set(withPosts.map((u) => setKey(u.plan.change.recordSet.name, u.plan.change.recordSet.type)));
  const now = keys.size > 0 ? await readEntries(keys) : new Map<string, CloudflareRecord[]>();
  return batch.map((u) => {
    const entries = now.get(setKey(u.plan.change.recordSet.name, u.plan.change.recordSet.type)) ?? [];
    return u.posts.map((p) => entries.find((r) => wireValueOf(r) === wireValueOf({ ...p, id: '' }) && !u.plan.kept.has(wireValueOf(r)))?.id ?? '');
  });
}
