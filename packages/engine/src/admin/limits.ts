import { planLimitExceeded, type PlanLimitKey } from '../errors/index.js';
import type { PlanRestrictions } from '../domain/plans.js';

/**
 * Throw 403 `Plan limit exceeded` when `current >= limit` (limit -1 = unlimited, see docs/access.md). Call it
 * inside the transaction that does the guarded write, after `tx.lockWorkspace`.
 */
export function assertWithinLimit(limits: PlanRestrictions, key: PlanLimitKey, current: number): void {
  const limit = limits[key];
  if (limit !== -1 && current >= limit) throw planLimitExceeded(key, current, limit);
}
