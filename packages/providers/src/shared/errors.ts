import { ProviderCallError, isProviderCallError } from '@cloudlink/engine';
import type { ProviderFailureKind } from '@cloudlink/engine';
import { flattenText } from './text.js';

/** Which provider and step a failure belongs to; `call` is the step name of the message. */
export interface CallSite {
  readonly provider: string;
  readonly call: string;
}

/**
 * The failure kind an HTTP status means when nothing more specific applies: 429 → throttled,
 * anything else (5xx, a 3xx we do not follow, an unexpected 4xx) → transient, i.e. no verdict.
 * Providers decide their refusals (401/403/404, OAuth codes) before falling back to this.
 */
export function kindOfStatus(status: number): ProviderFailureKind {
  if (status === 429) return 'throttled';
  return 'transient';
}

/**
 * Pull `{code, message}` out of the JSON error shapes the clouds use: OAuth `{error,
 * error_description}`, Google/ARM `{error:{code|status,message}}`, Cloudflare `{errors:[{code,message}]}`.
 * Non-JSON bodies give `{ message: <text> }`.
 */
export function parseErrorBody(body: string): { code?: string; message?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const text = flattenText(body);
    return text ? { message: text } : {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const o = parsed as Record<string, unknown>;
  if (typeof o.error === 'string') {
    return { code: o.error, ...(typeof o.error_description === 'string' ? { message: o.error_description } : {}) };
  }
  if (typeof o.error === 'object' && o.error !== null) {
    const e = o.error as Record<string, unknown>;
    // Google APIs put the canonical name in `status` (PERMISSION_DENIED) and the HTTP code in `code`.
    const code = typeof e.status === 'string' ? e.status : typeof e.code === 'string' ? e.code : undefined;
    return { ...(code ? { code } : {}), ...(typeof e.message === 'string' ? { message: e.message } : {}) };
  }
  if (Array.isArray(o.errors) && o.errors.length > 0) {
    const first = o.errors[0] as Record<string, unknown>;
    return {
      ...(first.code !== undefined ? { code: String(first.code) } : {}),
      ...(typeof first.message === 'string' ? { message: first.message } : {}),
    };
  }
  return {};
}

/**
 * A failure before any HTTP answer: the deadline passed (`Timeout`) or the network failed
 * (the system error code, e.g. `ECONNREFUSED`). Always `transient`: no verdict.
 */
export function transportFailure(site: CallSite, error: unknown, timedOut: boolean, timeoutMs: number): ProviderCallError {
  if (timedOut || (error instanceof Error && error.name === 'TimeoutError')) {
    return new ProviderCallError({ ...site, code: 'Timeout', message: `no answer within ${timeoutMs} ms`, kind: 'transient', cause: error });
  }
  return new ProviderCallError({ ...site, code: networkCode(error), message: networkMessage(error), kind: 'transient', cause: error });
}

/** The most specific system error code in an error and its causes (`ECONNREFUSED`, …). */
export function networkCode(error: unknown): string {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
  }
  return 'NetworkError';
}

function networkMessage(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.message && !messages.includes(e.message)) messages.push(e.message);
  }
  return messages.join(': ') || 'network error';
}

/** A 3xx we refused to follow (see docs/provider-calls.md): no verdict. */
export function redirectFailure(site: CallSite, status: number, location: string | null): ProviderCallError {
  return new ProviderCallError({
    ...site,
    code: 'UnexpectedRedirect',
    message: `HTTP ${status} redirect${location ? ` to ${location}` : ''} not followed`,
    kind: 'transient',
    status,
  });
}

/**
 * A failure of one call of a multi-call change apply, carrying how far the apply got (see docs/batching.md):
 * the same ProviderCallError with `progress` = the changes that went out whole before it.
 * Anything that is not a ProviderCallError is returned as it is.
 */
export function withApplyProgress(error: unknown, appliedChanges: number, totalChanges: number): unknown {
  if (!isProviderCallError(error)) return error;
  return new ProviderCallError({
    provider: error.provider,
    call: error.call,
    code: error.providerCode,
    message: error.providerMessage,
    kind: error.kind,
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}),
    progress: { appliedChanges, totalChanges },
    cause: error.cause ?? error,
  });
}
