import { ProviderCallError, isProviderCallError } from '@cloudlink/engine';
import type { ProviderFailureKind } from '@cloudlink/engine';
import { flattenText } from './text.js';

/** Which provider and step a failure belongs to; `call` is the step name of the message. */
export interface CallSite {
  readonly provider: string;
  readonly call: string;
}

const STATUS_KINDS: Readonly<Record<number, ProviderFailureKind>> = {
  401: 'unauthorized',
  403: 'refused',
  404: 'not-found',
  408: 'transient',
  409: 'conflict',
  429: 'throttled',
};

/**
 * The one reading of an HTTP status, for every provider and connector once its own error codes
 * (Route 53 `AccessDenied`, OAuth `invalid_grant`, …) said nothing more specific:
 * - 401 → `unauthorized`: the credential we presented was not accepted;
 * - 403 → `refused`: the credential was accepted, but the customer's setup does not allow the call;
 * - 404 → `not-found`, 409 → `conflict`, 429 → `throttled`;
 * - 408, 5xx, no status (the request never got an answer) and anything outside 4xx → `transient`;
 * - any other 4xx → `invalid-input`: the provider rejected what we sent, and sending it again will not help.
 * What each kind means to a caller (a connection-test verdict, `Invalid Cloudflare token`) is the
 * engine's decision, not the provider's.
 */
export function kindOfStatus(status: number | undefined): ProviderFailureKind {
  if (status === undefined) return 'transient';
  const kind = STATUS_KINDS[status];
  if (kind) return kind;
  return status >= 400 && status < 500 ? 'invalid-input' : 'transient';
}

/**
 * Pull `{code, message}` out of the JSON error shapes the clouds use: OAuth `{error,
 * error_description}`, Google/ARM `{error:{code|status,message}}` (plus Google's `reason` from
 * `error.errors[0].reason` when present), Cloudflare `{errors:[{code,message}]}`.
 * Non-JSON bodies give `{ message: <text> }`.
 */
export function parseErrorBody(body: string): { code?: string; message?: string; reason?: string } {
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
    // Google v1 APIs (Cloud DNS, …) name the precise cause in `errors[0].reason` (`alreadyExists`, `rateLimitExceeded`).
    const first: unknown = Array.isArray(e.errors) ? e.errors[0] : undefined;
    const reason = typeof first === 'object' && first !== null && typeof (first as Record<string, unknown>).reason === 'string' ? ((first as Record<string, unknown>).reason as string) : undefined;
    return { ...(code ? { code } : {}), ...(typeof e.message === 'string' ? { message: e.message } : {}), ...(reason ? { reason } : {}) };
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
