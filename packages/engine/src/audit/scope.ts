import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditTargets } from '../domain/records.js';
import type { EngineContext } from '../context.js';
import type { StorageTx } from '../ports/storage.js';
import type { Actor } from '../ports/runtime.js';
import { recordAudit, recordFailure, type AuditBy } from './index.js';

/** What the access pipeline learnt about the running mutation: the workspace, and the project and environment. */
interface AuditScope {
  readonly operation: string;
  readonly by: AuditBy;
  workspaceId?: number;
  targets: AuditTargets;
  /** Set once the service recorded its own entry (inside its transaction). */
  recorded: boolean;
}

const current = new AsyncLocalStorage<AuditScope>();

/**
 * Called by the access pipeline once the caller is known to be a member of the workspace: from
 * here on a refused mutation is worth an entry of that workspace's log. Before that (401, 404, not a
 * member) nothing is recorded, so a stranger cannot write into another workspace's log.
 */
export function noteAuditScope(scope: { workspaceId: number; projectId?: number; environmentId?: number }): void {
  const store = current.getStore();
  if (!store) return;
  store.workspaceId = scope.workspaceId;
  const { projectId, environmentId } = scope;
  store.targets = { ...store.targets, ...(projectId === undefined ? {} : { projectId }), ...(environmentId === undefined ? {} : { environmentId }) };
}

/** What a service found its mutation is about (a connection, a resource): the targets of a failure entry. */
export function noteAuditTargets(targets: AuditTargets): void {
  const store = current.getStore();
  if (store) store.targets = { ...store.targets, ...targets };
}

/** Called by `recordAudit`: the running mutation has its entry, the wrapper adds none. */
export function markAuditRecorded(): void {
  const store = current.getStore();
  if (store) store.recorded = true;
}

/**
 * The running mutation's success entry, through `tx`: the transaction that commits its change.
 * For services whose change is written by shared code (a connection's final transaction, a soft
 * delete) and that so cannot name the actor and operation themselves; the targets add to what the
 * pipeline noted. A no-op outside an audited mutation, before the pipeline named the workspace, or
 * once the mutation has its entry.
 */
export async function recordMutationEntry(tx: StorageTx, ctx: Pick<EngineContext, 'clock'>, targets: AuditTargets = {}): Promise<void> {
  const store = current.getStore();
  if (!store || store.recorded || store.workspaceId === undefined) return;
  await recordAudit(tx, ctx, store.by, { workspaceId: store.workspaceId, operation: store.operation, targets: { ...store.targets, ...targets } });
}

/**
 * Who a failure is recorded for: the actor (by either id; the pipeline resolves it before anything
 * is recorded), or the engine itself for a call without one (a setup callback).
 */
function byOf(actor: unknown): AuditBy {
  const a = actor as Actor | null | undefined;
  return a && typeof a === 'object' && (typeof a.userId === 'number' || typeof a.externalId === 'string') ? a : { kind: 'system' };
}

/** The id of the row a mutation answered with (`data.id`), if any: the target of a late entry. */
function answeredId(result: unknown): number | undefined {
  const id = (result as { data?: { id?: unknown } } | null)?.data?.id;
  return typeof id === 'number' ? id : undefined;
}

/**
 * For a mutation that committed no change of its own (a connect repeated after it finished): a
 * `success` entry in a transaction of its own, after the answer, with the scope the pipeline noted
 * and the id the answer names, so every mutation leaves one entry. Changes record theirs inside
 * their own transaction (`recordAudit`, `recordMutationEntry`).
 */
async function recordLate(ctx: EngineContext, by: AuditBy, operation: string, scope: AuditScope, result: unknown): Promise<void> {
  const workspaceId = scope.workspaceId as number;
  const id = answeredId(result);
  const key = operation.startsWith('resourceConnections.') ? 'resourceConnectionId' : operation.startsWith('dns.') ? 'zoneId' : 'resourceId';
  const targets: AuditTargets = { ...scope.targets, ...(id === undefined ? {} : { [key]: id }) };
  try {
    await ctx.storage.transaction((tx) => recordAudit(tx, ctx, by, { workspaceId, operation, targets }));
  } catch (e) {
    ctx.logger.warn({ operation, err: e instanceof Error ? e.message : String(e) }, 'could not record a mutation in the audit log');
  }
}

type Operation = (actor: never, input: never) => Promise<unknown>;

/**
 * Wrap one mutation so that a failure worth recording (`isRecordedFailure`) leaves a `failure`
 * entry, in its own transaction, once the pipeline has named the workspace. Successes are recorded
 * by the services themselves, inside the transaction of the change.
 */
export function auditFailures<F extends Operation>(ctx: EngineContext, operation: string, fn: F): F {
  const wrapped = async (actor: never, input: never) => {
    const scope: AuditScope = { operation, by: byOf(actor), targets: {}, recorded: false };
    let result: unknown;
    try {
      result = await current.run(scope, () => fn(actor, input));
    } catch (error) {
      if (scope.workspaceId !== undefined) {
        await recordFailure(ctx, scope.by, { workspaceId: scope.workspaceId, operation, targets: scope.targets }, error);
      }
      throw error;
    }
    // A dry run changed nothing: no entry (docs/records.md#plan-before-apply). Its failures are recorded like any other.
    const dryRun = typeof result === 'object' && result !== null && (result as { dryRun?: unknown }).dryRun === true;
    if (!scope.recorded && !dryRun && scope.workspaceId !== undefined) await recordLate(ctx, scope.by, operation, scope, result);
    return result;
  };
  return wrapped as F;
}

/**
 * Every group's mutations, wrapped by {@link auditFailures} under their operation name
 * (`<group>.<method>`); other methods pass through unchanged.
 */
export function withAuditedFailures<T extends Record<string, object>>(ctx: EngineContext, groups: T, operations: readonly string[]): T {
  const out: Record<string, object> = {};
  for (const [group, methods] of Object.entries(groups)) {
    const copy: Record<string, unknown> = { ...methods };
    for (const [name, fn] of Object.entries(methods)) {
      if (typeof fn === 'function' && operations.includes(`${group}.${name}`)) copy[name] = auditFailures(ctx, `${group}.${name}`, (fn as Operation).bind(methods));
    }
    out[group] = copy;
  }
  return out as T;
}
