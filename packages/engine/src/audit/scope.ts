import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditTargets } from '../domain/records.js';
import type { EngineContext } from '../context.js';
import type { Actor } from '../ports/runtime.js';
import { recordFailure, type AuditBy } from './index.js';

/** What the access pipeline learnt about the running mutation: the workspace, and the project and environment. */
interface AuditScope {
  workspaceId?: number;
  targets: { projectId?: number; environmentId?: number };
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
  if (scope.projectId !== undefined) store.targets.projectId = scope.projectId;
  if (scope.environmentId !== undefined) store.targets.environmentId = scope.environmentId;
}

/** Who a failure is recorded for: the actor, or the engine itself for a call without one (a setup callback). */
function byOf(actor: unknown): AuditBy {
  const a = actor as Actor | null | undefined;
  return a && typeof a === 'object' && typeof a.userId === 'number' ? a : { kind: 'system' };
}

type Operation = (actor: never, input: never) => Promise<unknown>;

/**
 * Wrap one mutation so that a failure worth recording (`isRecordedFailure`) leaves a `failure`
 * entry, in its own transaction, once the pipeline has named the workspace. Successes are recorded
 * by the services themselves, inside the transaction of the change.
 */
export function auditFailures<F extends Operation>(ctx: EngineContext, operation: string, fn: F): F {
  const wrapped = async (actor: never, input: never) => {
    const scope: AuditScope = { targets: {} };
    try {
      return await current.run(scope, () => fn(actor, input));
    } catch (error) {
      if (scope.workspaceId !== undefined) {
        await recordFailure(ctx, byOf(actor), { workspaceId: scope.workspaceId, operation, targets: scope.targets as AuditTargets }, error);
      }
      throw error;
    }
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
