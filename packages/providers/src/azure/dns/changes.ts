import type { RecordSet as AzureRecordSet, RecordType } from '@azure/arm-dns';
import { ProviderCallError } from '@cloudlink/engine';
import type { ChangeOutcome, PlannedProviderCall, RecordChange, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { withApplyProgress } from '../../shared/index.js';
import { AZUREDNS, azCall, isGone } from './call.js';
import type { AzureDnsCallContext, ZoneId } from './call.js';
import { AzureRecordShapeError, azureRelativeName, fromAzureRecordSet, sameContent, toAzureRecordSet } from './records.js';

export const UPSERT_CALL = 'RecordSets.createOrUpdate';
export const DELETE_CALL = 'RecordSets.delete';

/** A record set as it stands (or will stand, once the earlier changes of the list are applied). */
export interface HeldSet {
  readonly set: RecordSet;
  /** Its ETag; undefined only while planning, for a set an earlier change of the same list writes. */
  readonly etag: string | undefined;
}

/** `name type` key of a record set. */
export const heldKey = (name: string, type: string): string => `${name.toLowerCase()} ${type}`;

/** The one write call a change takes, with the precondition that makes a concurrent change fail instead of being overwritten. */
export interface AzureWrite {
  readonly call: typeof UPSERT_CALL | typeof DELETE_CALL;
  readonly index: number;
  readonly change: RecordChange;
  readonly relative: string;
  readonly body?: AzureRecordSet;
  /** `If-Match`: the ETag the change carries, else the one the set was read with. */
  readonly ifMatch?: string;
  /** `If-None-Match: *`: the set did not exist when read (nor did the change name an ETag). */
  readonly ifNoneMatch?: '*';
}

/** The placeholder ETag of a set an earlier change of the same list writes (planning only; never sent). */
const WRITTEN_EARLIER = 'written-by-an-earlier-change';

/**
 * THE decision of Azure DNS changes (see docs/azure-dns.md), shared by planChanges and applyChanges:
 * one call per change, in request order (Azure has no batch API).
 * - UPSERT → `RecordSets.createOrUpdate` with `If-Match` = the change's ETag when it carries one
 *   (the set the caller read must be the set overwritten), else the ETag the set has now, or
 *   `If-None-Match: *` when it does not exist (a create must stay a create);
 * - DELETE → `RecordSets.delete` with `If-Match` = the change's ETag when it carries one (then the
 *   ETag is the exact-match check), else it must match the held set exactly (TTL and values, like a
 *   Route 53 DELETE) and goes with the held set's ETag.
 * A DELETE that does not match, or a set the canonical form cannot be written as, is refused as
 * `invalid-input` before anything is sent.
 */
export function decideWrite(zone: ZoneInfo, index: number, change: RecordChange, held: HeldSet | null): AzureWrite {
  try {
    return decide(zone, index, change, held);
  } catch (e) {
    if (!(e instanceof AzureRecordShapeError)) throw e;
    const call = change.action === 'UPSERT' ? UPSERT_CALL : DELETE_CALL;
    throw new ProviderCallError({ provider: AZUREDNS, call, code: 'InvalidRecordSet', message: e.message, kind: 'invalid-input' });
  }
}

function decide(zone: ZoneInfo, index: number, change: RecordChange, held: HeldSet | null): AzureWrite {
  const set = change.recordSet;
  const relative = azureRelativeName(set.name, zone.domainName);
  if (change.action === 'UPSERT') {
    const body = toAzureRecordSet(set);
    const precondition = set.etag ? { ifMatch: set.etag } : held ? { ifMatch: held.etag ?? WRITTEN_EARLIER } : { ifNoneMatch: '*' as const };
    return { call: UPSERT_CALL, index, change, relative, body, ...precondition };
  }
  if (set.etag) return { call: DELETE_CALL, index, change, relative, ifMatch: set.etag };
  if (!held || !sameContent(held.set, set)) {
    throw new ProviderCallError({
      provider: AZUREDNS,
      call: DELETE_CALL,
      code: 'DeleteMismatch',
      message: held
        ? `${set.name} ${set.type}: the record set differs from the one to delete (TTL or values)`
        : `${set.name} ${set.type}: the record set to delete was not found`,
      kind: 'invalid-input',
    });
  }
  return { call: DELETE_CALL, index, change, relative, ifMatch: held.etag ?? WRITTEN_EARLIER };
}

/** How a change leaves the held set (the set Azure answered when known). */
function afterWrite(change: RecordChange, answered: RecordSet | null | undefined): HeldSet | null {
  if (change.action === 'DELETE') return null;
  return answered ? { set: answered, etag: answered.etag } : { set: change.recordSet, etag: undefined };
}

/** Reads the held sets of the keys asked for (absent key: no such set). */
export type ReadHeld = (keys: ReadonlySet<string>) => Promise<Map<string, HeldSet>>;

/** Decide every change against the held sets, as if the earlier ones were applied; throws on the first refused one. */
function decideAll(zone: ZoneInfo, changes: readonly RecordChange[], held: Map<string, HeldSet>): AzureWrite[] {
  const state = new Map(held);
  return changes.map((change, index) => {
    const key = heldKey(change.recordSet.name, change.recordSet.type);
    const write = decideWrite(zone, index, change, state.get(key) ?? null);
    const next = afterWrite(change, undefined);
    if (next) state.set(key, next);
    else state.delete(key);
    return write;
  });
}

const keysOf = (changes: readonly RecordChange[]) => new Set(changes.map((c) => heldKey(c.recordSet.name, c.recordSet.type)));

/** The calls applyChanges would make now: one per change, decided by {@link decideWrite}. Reads, never writes. */
export async function planAzureChanges(zone: ZoneInfo, changes: readonly RecordChange[], readHeld: ReadHeld): Promise<PlannedProviderCall[]> {
  if (changes.length === 0) return [];
  const writes = decideAll(zone, changes, await readHeld(keysOf(changes)));
  return writes.map((w) => ({ call: w.call, changes: [w.index] }));
}

/**
 * Apply changes one call at a time in request order (see docs/batching.md). Every change is
 * decided first (a refused one stops the list before anything is sent), then each is decided
 * again just before it is sent, against what the earlier calls answered, so an `If-Match` always
 * names the ETag Azure holds for our own last write. A failure carries `progress`: the changes
 * before the failing one stay applied.
 */
export async function applyAzureChanges(
  ctx: AzureDnsCallContext,
  zone: ZoneInfo,
  zoneId: ZoneId,
  changes: readonly RecordChange[],
  readHeld: ReadHeld,
  signal?: AbortSignal,
): Promise<ChangeOutcome[]> {
  if (changes.length === 0) return [];
  const held = await readHeld(keysOf(changes));
  try {
    decideAll(zone, changes, held);
  } catch (e) {
    throw withApplyProgress(e, 0, changes.length);
  }
  const outcomes: ChangeOutcome[] = [];
  for (const [index, change] of changes.entries()) {
    const key = heldKey(change.recordSet.name, change.recordSet.type);
    try {
      const write = decideWrite(zone, index, change, held.get(key) ?? null);
      const answered = await sendWrite(ctx, zone, zoneId, write, signal);
      const next = afterWrite(change, answered);
      if (next) held.set(key, next);
      else held.delete(key);
      outcomes.push({ changeId: null, status: 'INSYNC', recordSet: answered });
    } catch (e) {
      throw withApplyProgress(e, index, changes.length);
    }
  }
  return outcomes;
}

/** Read one record set (null when Azure has none); a missing zone or resource group is `not-found`. */
export async function readRecordSet(ctx: AzureDnsCallContext, zone: ZoneInfo, zoneId: ZoneId, relative: string, type: string, signal?: AbortSignal): Promise<RecordSet | null> {
  try {
    const got = await azCall(ctx, 'RecordSets.get', (c) => c.recordSets.get(zoneId.resourceGroup, zoneId.zoneName, relative, type as RecordType, signal ? { abortSignal: signal } : {}), { safeToResend: true, signal });
    return fromAzureRecordSet(got, zone.domainName);
  } catch (e) {
    if (isGone(e)) return null;
    throw e;
  }
}

/**
 * One write. Not resent blindly after a 5xx or a timeout (its answer may be lost after Azure acted, and a
 * resend would then fail its own precondition): the set is read back, and the write counts as applied
 * when the set is as written (UPSERT) or gone (DELETE), as not applied when it is as before.
 */
async function sendWrite(ctx: AzureDnsCallContext, zone: ZoneInfo, zoneId: ZoneId, write: AzureWrite, signal: AbortSignal | undefined): Promise<RecordSet | null> {
  const { type } = write.change.recordSet;
  const abort = signal ? { abortSignal: signal } : {};
  const readBack = async () => {
    const now = await readRecordSet(ctx, zone, zoneId, write.relative, type, signal);
    if (write.call === DELETE_CALL) {
      if (now === null) return { applied: true as const, value: null };
      return now.etag === write.ifMatch ? { applied: false as const } : undefined;
    }
    if (now && sameContent(now, { ttl: write.change.recordSet.ttl ?? 300, values: write.change.recordSet.values })) return { applied: true as const, value: now };
    const untouched = write.ifNoneMatch ? now === null : now?.etag === write.ifMatch;
    return untouched ? { applied: false as const } : undefined;
  };
  if (write.call === DELETE_CALL) {
    return azCall<RecordSet | null>(
      ctx,
      DELETE_CALL,
      async (c) => {
        await c.recordSets.delete(zoneId.resourceGroup, zoneId.zoneName, write.relative, type as RecordType, { ...abort, ...(write.ifMatch ? { ifMatch: write.ifMatch } : {}) });
        return null;
      },
      { safeToResend: false, signal, readBack },
    );
  }
  return azCall<RecordSet | null>(
    ctx,
    UPSERT_CALL,
    async (c) => {
      const answered = await c.recordSets.createOrUpdate(zoneId.resourceGroup, zoneId.zoneName, write.relative, type as RecordType, write.body ?? {}, {
        ...abort,
        ...(write.ifMatch ? { ifMatch: write.ifMatch } : {}),
        ...(write.ifNoneMatch ? { ifNoneMatch: write.ifNoneMatch } : {}),
      });
      return fromAzureRecordSet(answered, zone.domainName);
    },
    { safeToResend: false, signal, readBack },
  );
}
