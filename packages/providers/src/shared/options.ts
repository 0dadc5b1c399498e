import { DEFAULT_RETRY_POLICY, systemClock, systemRandom, withRetry } from '@cloudlink/engine';
import type { Clock, Random, RetryOptions, RetryPolicy } from '@cloudlink/engine';

/** How long one outbound HTTP call may take when the host sets no `timeoutMs`: the one default for every provider and connector. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Options every connector and DNS provider takes for timing and retries. */
export interface CallPolicyOptions {
  /** Per outbound HTTP call; default 10 000 (see docs/provider-calls.md). */
  readonly timeoutMs?: number;
  /** Retry policy for throttled/transient failures; default the engine's (5 attempts, see docs/batching.md). */
  readonly retryPolicy?: RetryPolicy;
  /** Sleeps between retries; inject a fake clock in tests. Default the system clock. */
  readonly clock?: Pick<Clock, 'sleep' | 'now'>;
  /** Jitter source; default node:crypto. */
  readonly random?: Pick<Random, 'fraction'>;
}

/** The resolved form of {@link CallPolicyOptions}. */
export interface CallPolicy {
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy;
  readonly clock: Pick<Clock, 'sleep' | 'now'>;
  readonly random: Pick<Random, 'fraction'>;
}

/** Fill in the defaults and validate `timeoutMs`. */
export function resolveCallPolicy(options: CallPolicyOptions): CallPolicy {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
  return {
    timeoutMs,
    retryPolicy: options.retryPolicy ?? DEFAULT_RETRY_POLICY,
    clock: options.clock ?? systemClock,
    random: options.random ?? systemRandom,
  };
}

/** How one call may be retried: what only the call itself knows, the rest comes from the session's {@link CallPolicy}. */
export interface ResendRule<T> {
  /** False for a write whose lost answer may hide an applied change (see docs/batching.md). */
  readonly safeToResend: boolean;
  readonly signal?: AbortSignal | undefined;
  /** For a write unsafe to resend: reads the provider's state back to tell whether it applied. */
  readonly readBack?: RetryOptions<T>['readBack'] | undefined;
}

/** The engine's retry options for one call: the one place a session's policy and a call's resend rule meet. */
export function retryOptionsOf<T>(policy: CallPolicy, rule: ResendRule<T>): RetryOptions<T> {
  return {
    clock: policy.clock,
    random: policy.random,
    policy: policy.retryPolicy,
    safeToResend: rule.safeToResend,
    ...(rule.signal ? { signal: rule.signal } : {}),
    ...(rule.readBack ? { readBack: rule.readBack } : {}),
  };
}

/**
 * Run one idempotent provider step under the retry policy: throttled and transient
 * `ProviderCallError`s are retried (see docs/batching.md); anything else is rethrown at once.
 */
export function retryStep<T>(policy: CallPolicy, signal: AbortSignal | undefined, step: (attempt: number) => Promise<T>): Promise<T> {
  return withRetry(step, retryOptionsOf(policy, { safeToResend: true, signal }));
}

/** Throw the caller's abort reason if it aborted: cancellation is not a provider failure. */
export function throwIfCallerAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('aborted', 'AbortError');
}
