import { withRetry, type RetryPolicy } from '../retry/retry.js';
import type { Clock } from '../ports/runtime.js';
import { ProviderCallError, type ProviderFailureKind } from '../ports/provider-error.js';

/**
 * Call log, failure injection and provider-like retries shared by the memory DNS provider and the
 * memory cloud connectors, so engine tests can prove what was (not) sent and drive every provider
 * failure path (throttling, outages, part-applied batches).
 */

/** One provider call as the memory implementation saw it. */
export interface MemoryCall {
  readonly call: string;
  readonly zoneId?: string;
  /** For change batches: how many changes went out in this call. */
  readonly changes?: number;
}

export interface InjectedFailure {
  readonly code: string;
  readonly message: string;
  readonly kind: ProviderFailureKind;
  readonly retryAfter?: number;
}

export interface FaultOptions {
  /** Let this many calls of that name succeed first (default 0). */
  readonly after?: number;
  /** How many consecutive calls fail (default 1). */
  readonly times?: number;
}

export interface FaultControl {
  /** Every call, in order. Cleared by `resetCalls`. */
  readonly calls: MemoryCall[];
  resetCalls(): void;
  /** Make the next matching call(s) (`*`: of any name) throw a ProviderCallError with this code/kind. */
  failNext(call: string, failure: InjectedFailure, options?: FaultOptions): void;
  /** Simulated latency of every call, in ms (default 0); lets tests overlap requests. */
  latencyMs: number;
  /** Highest number of change calls seen in flight at once on one zone. */
  readonly maxConcurrentWrites: number;
}

interface Pending {
  call: string;
  failure: InjectedFailure;
  skip: number;
  times: number;
}

export function createFaults(provider: string) {
  const pending: Pending[] = [];
  const inFlight = new Map<string, number>();
  const control = {
    calls: [] as MemoryCall[],
    latencyMs: 0,
    maxConcurrentWrites: 0,
    resetCalls() {
      control.calls.length = 0;
    },
    failNext(call: string, failure: InjectedFailure, options: FaultOptions = {}) {
      pending.push({ call, failure, skip: options.after ?? 0, times: options.times ?? 1 });
    },
  };

  /** Record the call, wait the latency, and throw an injected failure when one is due. */
  async function enter(entry: MemoryCall, progress?: { appliedChanges: number; totalChanges: number }): Promise<void> {
    control.calls.push(entry);
    if (control.latencyMs > 0) await new Promise((r) => setTimeout(r, control.latencyMs));
    const due = pending.find((p) => p.call === entry.call || p.call === '*');
    if (!due) return;
    if (due.skip > 0) {
      due.skip--;
      return;
    }
    due.times--;
    if (due.times <= 0) pending.splice(pending.indexOf(due), 1);
    throw new ProviderCallError({
      provider,
      call: entry.call,
      code: due.failure.code,
      message: due.failure.message,
      kind: due.failure.kind,
      ...(due.failure.retryAfter !== undefined ? { retryAfter: due.failure.retryAfter } : {}),
      ...(progress ? { progress } : {}),
    });
  }

  /** Track concurrent writes per zone (to prove the zone lock serialises them). */
  async function write<T>(zoneId: string, fn: () => Promise<T>): Promise<T> {
    const n = (inFlight.get(zoneId) ?? 0) + 1;
    inFlight.set(zoneId, n);
    control.maxConcurrentWrites = Math.max(control.maxConcurrentWrites, n);
    try {
      return await fn();
    } finally {
      inFlight.set(zoneId, (inFlight.get(zoneId) ?? 1) - 1);
    }
  }

  return { control: control as FaultControl, enter, write };
}

/** A ProviderCallError thrown by a memory implementation's own rules (not injected). */
export function memoryProviderError(provider: string, call: string, code: string, kind: ProviderFailureKind, message: string, status?: number) {
  return new ProviderCallError({ provider, call, code, kind, message, ...(status !== undefined ? { status } : {}) });
}

/** Retries inside a memory implementation, like a real provider's (default one attempt: engine tests see every failure). */
export interface MemoryRetryOptions {
  readonly retryPolicy?: RetryPolicy;
  readonly clock?: Pick<Clock, 'sleep'>;
}

const SINGLE_ATTEMPT: RetryPolicy = { maxAttempts: 1, baseMs: 0, capMs: 0, maxRetryAfterSeconds: 0 };

/** Runs one port call under the retry policy, as the real providers do around their SDK calls. */
export function memoryRetry(options: MemoryRetryOptions): <T>(fn: () => Promise<T>) => Promise<T> {
  return (fn) => withRetry(fn, { clock: options.clock ?? { sleep: async () => undefined }, random: { fraction: () => 0.5 }, policy: options.retryPolicy ?? SINGLE_ATTEMPT, safeToResend: true });
}
