import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { ChangeResourceRecordSetsCommandOutput } from '@aws-sdk/client-route-53';
import { isProviderCallError } from '@cloudlink/engine';
import type { ChangeOutcome, RecordChange, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { withApplyProgress } from '../../shared/index.js';
import { planChangeBatches } from './route53-batches.js';
import { backoffDelay, sendWithRetry } from './route53-call.js';
import type { Route53CallContext } from './route53-call.js';
import { bareId, toRoute53RecordSet } from './route53-records.js';

const CALL = 'ChangeResourceRecordSets';

type ReadRecordSet = (name: string, type: string) => Promise<RecordSet | null>;

interface BatchResult {
  readonly changeId: string | null;
  readonly status: string;
}

/**
 * Apply changes in request order, one ChangeResourceRecordSets call per planned batch (SPEC §6.8).
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
 * only after throttling; after a 5xx/timeout we first read one deleted set back: Route 53 applies a
 * batch all-or-nothing, so that set being gone means the whole batch applied.
 */
async function sendBatch(
  ctx: Route53CallContext,
  zone: ZoneInfo,
  slice: readonly RecordChange[],
  readRecordSet: ReadRecordSet,
  signal: AbortSignal | undefined,
): Promise<BatchResult> {
  const command = () =>
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zone.hostedZoneId,
      ChangeBatch: {
        Changes: slice.map((c) => ({ Action: c.action, ResourceRecordSet: toRoute53RecordSet(c.recordSet) })),
      },
    });
  const send = async (safeToResend: boolean): Promise<BatchResult> => {
    const out = await sendWithRetry<ChangeResourceRecordSetsCommandOutput>(ctx, CALL, command, { safeToResend, signal });
    return { changeId: bareId(out.ChangeInfo?.Id), status: out.ChangeInfo?.Status ?? 'PENDING' };
  };
  const firstDelete = slice.find((c) => c.action === 'DELETE');
  if (!firstDelete) return send(true);
  for (let resend = 0; ; resend++) {
    try {
      return await send(false);
    } catch (e) {
      if (!isProviderCallError(e) || e.kind !== 'transient' || resend + 1 >= ctx.policy.maxAttempts) throw e;
      const verdict = await readBack(firstDelete.recordSet, readRecordSet);
      // Applied, but the change id was lost with the answer; the status is what Route 53 reports first.
      if (verdict === 'applied') return { changeId: null, status: 'PENDING' };
      if (verdict === 'unknown') throw e;
      await ctx.clock.sleep(backoffDelay(ctx, resend), signal);
    }
  }
}

async function readBack(deleted: RecordSet, readRecordSet: ReadRecordSet): Promise<'applied' | 'not-applied' | 'unknown'> {
  let current: RecordSet | null;
  try {
    current = await readRecordSet(deleted.name, deleted.type);
  } catch {
    return 'unknown';
  }
  if (current === null) return 'applied';
  const wanted = new Set(deleted.values);
  const same = current.values.length === wanted.size && current.values.every((v) => wanted.has(v));
  return same ? 'not-applied' : 'applied';
}
