/**
 * Outbound HTTP rules shared by every provider (see docs/provider-calls.md): one deadline per call, no redirects
 * followed, provider text truncated, secrets redacted.
 */

/** Default per-call timeout (see docs/provider-calls.md). */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A deadline for one outbound call, combined with the caller's signal. */
export interface CallDeadline {
  /** Aborts when the deadline passes or the caller's signal aborts. */
  readonly signal: AbortSignal;
  /** True once the deadline (not the caller) aborted the call. */
  timedOut(): boolean;
}

/**
 * Start a deadline of `timeoutMs`. `AbortSignal.timeout` timers are unref'd, so a forgotten
 * deadline never keeps the process alive.
 */
export function startDeadline(timeoutMs: number, signal?: AbortSignal): CallDeadline {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  return { signal: combined, timedOut: () => timeout.aborted && !(signal?.aborted ?? false) };
}

/** Options of {@link fetchWithDeadline}. */
export interface FetchWithDeadlineOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Injected fetch (tests, proxies); default the global one. */
  readonly fetch?: typeof fetch;
}

/**
 * `fetch` with the deadline applied and `redirect: 'manual'`: a 3xx comes back as a response and
 * is the caller's failure to report, never followed (a redirect target is not configuration).
 * Rejects like fetch (network error, or `TimeoutError` DOMException when the deadline passed).
 */
export async function fetchWithDeadline(url: string, init: RequestInit, options: FetchWithDeadlineOptions): Promise<Response> {
  const deadline = startDeadline(options.timeoutMs, options.signal);
  const doFetch = options.fetch ?? fetch;
  try {
    return await doFetch(url, { ...init, redirect: 'manual', signal: deadline.signal });
  } catch (e) {
    if (deadline.timedOut()) throw new DOMException(`no answer within ${options.timeoutMs} ms`, 'TimeoutError');
    throw e;
  }
}

/**
 * Read at most `maxBytes` of a body as text (a misbehaving endpoint must not make us buffer
 * megabytes just to build an error message). Never throws: a body that fails to read is ''.
 */
export async function readBodyText(response: Response, maxBytes = 64 * 1024): Promise<string> {
  try {
    const text = await response.text();
    return text.length > maxBytes ? text.slice(0, maxBytes) : text;
  } catch {
    return '';
  }
}
