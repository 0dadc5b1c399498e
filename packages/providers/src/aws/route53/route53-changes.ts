import type { ChangeResourceRecordSetsCommandOutput } from '@aws-sdk/client-route-53';
import { withRetry } from '@cloudlink/engine';
import type { ChangeOutcome, PlannedProviderCall, ReadBackVerdict, RecordChange, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { retryOptionsOf, withApplyProgress } from '../../shared/index.js';
import { planChangeBatches } from './route53-batches.js';
import { sendOnce } from './route53-call.js';
import type { Route53CallContext } from './route53-call.js';
import { bareId, toRoute53RecordSet } from './route53-records.js';

const CALL = 'ChangeResourceRecordSets';

type ReadRecordSet = (name: string, type: string) => Promise<RecordSet | null>;

interface BatchResult {
  readonly changeId: string | null;
  readonly status: string;
}

/**
 * The ChangeResourceRecordSets calls `applyRoute53Changes` would make (a dry run): the same
 * `planChangeBatches` decision, which depends only on the changes, so nothing is read or sent.
 */
export function planRoute53Changes(changes: readonly RecordChange[]): PlannedProviderCall[] {
  return planChangeBatches(changes).map((b) => ({ call: CALL, changes: Array.from({ length: b.end - b.start }, (_, i) => b.start + i) }));
}

/**
 * Apply changes in request order, one ChangeResourceRecordSets call per planned batch (see docs/batching.md).
 * When batch k fails, the error is rethrown with `progress` = the changes of batches 0..k-1.
 */
export async function applyRoute53Changes(
  ctx: Route53CallContext,
  zone: ZoneInfo,
  changes: readonly RecordChange[],
  readRecordSet: ReadRecordSet,
  signal?: AbortSignal,
): Promise<ChangeOutcome[]> {
  const batches = planChangeBatches(changes);
  const outcomes: ChangeOutcome[] = [];
  for (const batch of batches) {
    const slice = changes.slice(batch.start, batch.end);
    let result: BatchResult;
    try {
      result = await sendBatch(ctx, zone, slice, readRecordSet, signal);
    } catch (e) {
      throw withApplyProgress(e, batch.start, changes.length);
    }
    for (const change of slice) {
      outcomes.push({ ...result, recordSet: change.action === 'UPSERT' ? change.recordSet : null });
    }
  }
  return outcomes;
}

/**
 * One batch. UPSERT-only batches are idempotent and resent freely. A batch with a DELETE is resent
 * only after throttling, or after a 5xx/timeout once one deleted set, read back, is still there:
 * Route 53 applies a batch all-or-nothing, so that set being gone means the whole batch applied.
 */
async function sendBatch(
  ctx: Route53CallContext,
  zone: ZoneInfo,
  slice: readonly RecordChange[],
  readRecordSet: ReadRecordSet,
  signal: AbortSignal | undefined,
): Promise<BatchResult> {
  const changeBatch = {
    Changes: slice.map((c) => ({ Action: c.action, ResourceRecordSet: toRoute53RecordSet(c.recordSet) })),
  };
  const firstDelete = slice.find((c) => c.action === 'DELETE');
  return withRetry(
    async (): Promise<BatchResult> => {
      const out = await sendOnce<ChangeResourceRecordSetsCommandOutput>(
        ctx,
        CALL,
        (sdk) => new sdk.ChangeResourceRecordSetsCommand({ HostedZoneId: zone.hostedZoneId, ChangeBatch: changeBatch }),
        signal,
      );
      return { changeId: bareId(out.ChangeInfo?.Id), status: out.ChangeInfo?.Status ?? 'PENDING' };
    },
    retryOptionsOf(ctx.policy, {
      safeToResend: firstDelete === undefined,
      signal,
      ...(firstDelete && { readBack: () => deleteApplied(firstDelete.recordSet, readRecordSet) }),
    }),
  );
}

/**
 * Whether a batch deleting `deleted` went through: the set is gone (or no longer the one deleted)
 * → applied, its change id lost with the answer; still there as it was → not applied. A read that
 * fails throws, and the original failure stands.
 */
async function deleteApplied(deleted: RecordSet, readRecordSet: ReadRecordSet): Promise<ReadBackVerdict<BatchResult>> {
  const current = await readRecordSet(deleted.name, deleted.type);
  const wanted = new Set(deleted.values);
  const unchanged = current !== null && current.values.length === wanted.size && current.values.every((v) => wanted.has(v));
  // The status is what Route 53 reports first for a change.
  return unchanged ? { applied: false } : { applied: true, value: { changeId: null, status: 'PENDING' } };
}
