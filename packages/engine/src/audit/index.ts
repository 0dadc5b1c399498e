import type { AuditActor, AuditEntry, AuditOutcome, AuditTargets } from '../domain/records.js';
import type { EngineContext } from '../context.js';
import { isEngineError, type EngineError, type EngineErrorCode } from '../errors/index.js';
import type { CloudlinkEvent, Outbox } from '../events/index.js';
import type { Actor } from '../ports/runtime.js';
import type { StorageTx } from '../ports/storage.js';
import { REQUEST_ID_MAX_CHARS } from './request-id.js';
import { userIdOfActor } from './actor.js';
import { markAuditRecorded } from './scope.js';
import type { AuditedOperation } from './operations.js';

export { AUDITED_OPERATIONS, type AuditedOperation } from './operations.js';
export { listAuditQuerySchema, serializeAuditEntry, type ListAuditInput } from './list.js';
export { REQUEST_ID_HEADER, REQUEST_ID_MAX_CHARS, requestIdFrom, requestIdOf } from './request-id.js';

/** A caller without a user: the host on its own behalf, or the engine itself (see `AuditActor`). */
export interface NonUserActor {
  readonly kind: 'host' | 'system';
  readonly requestId?: string;
}

/** Who an entry is recorded for: an authenticated `Actor`, or the host / the engine. */
export type AuditBy = Actor | NonUserActor;

/** What a service says about its change; the actor, request id and time are filled in here. */
export interface AuditRecord {
  readonly workspaceId: number;
  /** The engine operation (`cloudConnections.complete`; h-verify and h-creds add theirs). */
  readonly operation: AuditedOperation | (string & {});
  readonly targets?: AuditTargets;
  /** Default `success`. */
  readonly outcome?: AuditOutcome;
  /** The failure's error string (required for a failure, ignored for a success). */
  readonly error?: string;
  /** Small, non-secret facts: never a token, a key, a password or a request body. */
  readonly detail?: Record<string, unknown>;
}

/** Above this, `detail` is replaced by `{ truncated: true }`: an entry is a line of a log, not a document. */
export const AUDIT_DETAIL_MAX_CHARS = 2_000;

function actorOf(by: AuditBy): AuditActor {
  return 'kind' in by ? { kind: by.kind, userId: null } : { kind: 'user', userId: userIdOfActor(by) };
}

function boundedDetail(detail: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!detail) return {};
  return JSON.stringify(detail).length > AUDIT_DETAIL_MAX_CHARS ? { truncated: true } : detail;
}

/**
 * Append one audit entry through `tx`, the transaction of the change it records (see
 * docs/audit.md), so the entry and the change commit together or not at all.
 */
export function recordAudit(tx: StorageTx, ctx: Pick<EngineContext, 'clock'>, by: AuditBy, record: AuditRecord): Promise<AuditEntry> {
  const outcome = record.outcome ?? 'success';
  markAuditRecorded();
  return tx.audit.appendAudit({
    workspaceId: record.workspaceId,
    actor: actorOf(by),
    operation: record.operation,
    targets: { ...record.targets },
    outcome,
    error: outcome === 'failure' ? (record.error ?? 'Unknown error') : null,
    detail: boundedDetail(record.detail),
    requestId: by.requestId?.slice(0, REQUEST_ID_MAX_CHARS) ?? null,
    createdAt: ctx.clock.now(),
  });
}

/**
 * The failures worth a line in the log: the caller is a member of the workspace, and then a rule
 * said no (403 permission or plan limit, 409 conflict) or the cloud did (502/503 provider failures).
 * Validation (400), 401 and 404 are noise an unauthenticated or probing client can produce at will;
 * they are not recorded. A failed connection test is recorded by `complete` itself, in the
 * transaction that marks the connection `failed`.
 */
const RECORDED_FAILURE_CODES: ReadonlySet<EngineErrorCode> = new Set([
  'FORBIDDEN',
  'PLAN_LIMIT',
  'CONFLICT',
  'PROVIDER_FAILURE',
  'PROVIDER_UNAVAILABLE',
]);

/** Whether `error` is a failure the audit log records (see `RECORDED_FAILURE_CODES`). */
export function isRecordedFailure(error: unknown): error is EngineError {
  return isEngineError(error) && RECORDED_FAILURE_CODES.has(error.code);
}

/**
 * Record a failed mutation in a small transaction of its own (the change's own transaction, if
 * any, has rolled back). Only failures `isRecordedFailure` accepts are written, with the error
 * string only (never its message, which may quote a provider). Never throws: a failure to record
 * is logged, and the caller rethrows the original error.
 */
export async function recordFailure(ctx: Pick<EngineContext, 'clock' | 'storage' | 'logger'>, by: AuditBy, record: AuditRecord, error: unknown): Promise<void> {
  if (!isRecordedFailure(error)) return;
  try {
    await ctx.storage.transaction((tx) => recordAudit(tx, ctx, by, { ...record, outcome: 'failure', error: error.error }));
  } catch (e) {
    ctx.logger.warn({ operation: record.operation, err: e instanceof Error ? e.message : String(e) }, 'could not record a failure in the audit log');
  }
}

/**
 * Run `fn` in one transaction with an outbox: the events it adds are delivered through
 * `ctx.events` after the commit, and dropped when it rolls back.
 */
export async function inAuditedTransaction<T>(
  ctx: Pick<EngineContext, 'storage' | 'events'>,
  fn: (tx: StorageTx, outbox: Outbox) => Promise<T>,
): Promise<T> {
  const queued: CloudlinkEvent[] = [];
  const result = await ctx.storage.transaction((tx) => fn(tx, { add: (event) => queued.push(event) }));
  for (const event of queued) ctx.events.emit(event);
  return result;
}
