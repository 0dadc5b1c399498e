import { isProviderCallError, type ProviderCallError } from '../ports/provider-error.js';
import type { Clock, Random } from '../ports/runtime.js';

/** The retry policy of docs/batching.md, as data so tests and hosts can tighten it. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Delay cap before the n-th retry is min(capMs, baseMs·2^n). */
  readonly baseMs: number;
  readonly capMs: number;
  /** A provider Retry-After (seconds) up to this is honoured as the delay; a larger one stops retrying. */
  readonly maxRetryAfterSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseMs: 500, capMs: 8_000, maxRetryAfterSeconds: 20 };

/** What a read-back found after an unsafe write failed transiently. */
export type ReadBackVerdict<T> = { readonly applied: true; readonly value: T } | { readonly applied: false };

export interface RetryOptions<T = unknown> {
  readonly clock: Pick<Clock, 'sleep'>;
  readonly random: Pick<Random, 'fraction'>;
  readonly policy?: RetryPolicy;
  /**
   * Whether a call may be resent after a transient failure (5xx, network, timeout). Writes that
   * are unsafe to resend blindly (Cloudflare POSTs, Route 53 batches with a DELETE,
   * CreateHostedZone) pass false: they are resent only after a throttling answer, which means the
   * provider did not act.
   */
  readonly safeToResend: boolean;
  /**
   * For a write that is unsafe to resend (see docs/batching.md): after a transient failure, wait the backoff,
   * then read the provider's state back. `applied` ends with `value` as the call's result (the write
   * went through, only its answer was lost); `not applied` resends at once. A read-back
   * that throws or returns undefined cannot tell, so the original failure is rethrown.
   */
  readonly readBack?: (error: ProviderCallError) => Promise<ReadBackVerdict<T> | undefined>;
  readonly signal?: AbortSignal;
}

/**
 * Run `call`, retrying `ProviderCallError`s of kind `throttled` (always) and `transient` (when
 * safe, or when `readBack` shows the write did not happen) with capped exponential backoff and
 * full jitter. The last error is rethrown unchanged, so the caller still sees its kind and
 * `retryAfter`.
 */
export async function withRetry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (e) {
      if (!isProviderCallError(e) || attempt >= policy.maxAttempts) throw e;
      const readBack = e.kind === 'transient' && !options.safeToResend ? options.readBack : undefined;
      const retryable = e.kind === 'throttled' || (e.kind === 'transient' && options.safeToResend) || readBack !== undefined;
      if (!retryable) throw e;
      if (e.retryAfter !== undefined && e.retryAfter > policy.maxRetryAfterSeconds) throw e;
      await options.clock.sleep(backoff(policy, attempt, e.retryAfter, options.random, readBack !== undefined), options.signal);
      if (readBack) {
        // Read back only after the wait: right after a timeout the provider may still be applying
        // the write, and a read then would see "not applied" and resend a write that is landing.
        const verdict = await readBack(e).catch(() => undefined);
        if (verdict === undefined) throw e;
        if (verdict.applied) return verdict.value;
      }
    }
  }
}

/**
 * The wait before attempt `attempt + 1`: a provider Retry-After when given, else full jitter under
 * min(capMs, baseMs·2^(attempt-1)). Before a read-back the jitter covers only the upper half of that
 * range, because a full-jitter wait can be close to zero, too soon for a write still in flight.
 */
function backoff(policy: RetryPolicy, attempt: number, retryAfter: number | undefined, random: Pick<Random, 'fraction'>, beforeReadBack: boolean): number {
  if (retryAfter !== undefined) return retryAfter * 1000;
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  const floor = beforeReadBack ? ceiling / 2 : 0;
  return floor + random.fraction() * (ceiling - floor);
}
