import type { EngineContext } from '../context.js';
import type { CloudConnection } from '../domain/records.js';
import type { createReverification, VerificationOutcome } from './reverify.js';

/** How often the scheduler re-verifies a connection (docs/connections.md#scheduled-re-verification). */
export interface VerificationSchedule {
  /** Between two checks of a healthy connection. */
  readonly intervalMs: number;
  /** Each delay is spread by ± this fraction (0–0.5), so checks of many connections do not bunch. */
  readonly jitter: number;
  /** The back-off ceiling: after n failures in a row the delay is `interval × 2^n`, at most this. */
  readonly maxBackoffMs: number;
}

export type ScheduledCheckResult = VerificationOutcome['kind'] | 'skipped' | 'error';

const isScheduled = (c: CloudConnection) => c.isActive && (c.status === 'connected' || c.status === 'failed');

/**
 * The scheduled side of re-verification: which connections are due, and one due check. Every
 * instance may run these at once: the storage's `claimVerification` lets one of them take a check.
 */
export function createConnectionHealth(ctx: EngineContext, reverification: ReturnType<typeof createReverification>) {
  /** `interval × 2^failures`, capped, then jittered. */
  function delayAfter(failures: number, schedule: VerificationSchedule): number {
    const ceiling = Math.max(schedule.maxBackoffMs, schedule.intervalMs);
    const base = Math.min(schedule.intervalMs * 2 ** Math.min(failures, 30), ceiling);
    const jitter = Math.min(Math.max(schedule.jitter, 0), 0.5);
    return Math.max(1, Math.round(base * (1 + jitter * (2 * ctx.random.fraction() - 1))));
  }
  const after = (from: Date, ms: number) => new Date(from.getTime() + ms);

  return {
    /** Ids of the connected and failed connections whose check is due now (or never scheduled). */
    async listDue(limit: number): Promise<number[]> {
      return (await ctx.storage.connections.listConnectionsDueForVerification(ctx.clock.now(), limit)).map((c) => c.id);
    },

    /**
     * One scheduled check: claim it (another instance may have), test, record, and schedule the next
     * one with back-off. A connection never scheduled that was verified or connected within the
     * interval is only scheduled. Never throws: an unexpected error is logged, and the claim keeps
     * the connection from being retried before its next slot.
     */
    async runScheduled(connectionId: number, schedule: VerificationSchedule): Promise<ScheduledCheckResult> {
      const c = await ctx.storage.connections.getConnectionById(connectionId);
      if (!c || !isScheduled(c)) return 'skipped';
      const now = ctx.clock.now();
      const expected = c.nextVerificationAt;
      if (expected === null) {
        const last = c.lastVerifiedAt ?? c.connectedAt;
        if (last !== null && last.getTime() + schedule.intervalMs > now.getTime()) {
          await ctx.storage.connections.claimVerification(c.id, null, after(last, delayAfter(0, schedule)));
          return 'skipped';
        }
      } else if (expected.getTime() > now.getTime()) {
        return 'skipped';
      }
      const lease = after(now, delayAfter(c.verificationFailures + 1, schedule));
      if (!(await ctx.storage.connections.claimVerification(c.id, expected, lease))) return 'skipped';
      let outcome: VerificationOutcome;
      try {
        outcome = await reverification.reverify(c);
      } catch (e) {
        ctx.logger.error({ err: e, connectionId: c.id }, 'scheduled connection verification failed');
        return 'error';
      }
      const next = after(ctx.clock.now(), delayAfter(outcome.connection.verificationFailures, schedule));
      await ctx.storage.connections.claimVerification(c.id, lease, next);
      if (outcome.kind !== 'connected') {
        ctx.logger.warn({ connectionId: c.id, outcome: outcome.kind, error: outcome.connection.lastVerificationError }, 'cloud connection verification did not pass');
      }
      return outcome.kind;
    },
  };
}
