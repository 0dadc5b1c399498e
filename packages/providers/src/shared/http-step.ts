import { ProviderCallError } from '@cloudlink/engine';
import type { ProviderFailureKind } from '@cloudlink/engine';
import { kindOfStatus, parseErrorBody, redirectFailure, transportFailure } from './errors.js';
import type { CallSite } from './errors.js';
import { fetchWithDeadline, readBodyText } from './http.js';
import { parseRetryAfter } from './retry-after.js';
import { redactSecrets } from './text.js';
import { throwIfCallerAborted } from './options.js';

/** Reads a provider's own error codes; return undefined to fall back to the status table {@link kindOfStatus}. */
export type StatusClassifier = (status: number, error: { code?: string; message?: string; reason?: string }) => ProviderFailureKind | undefined;

/** One HTTP attempt of a provider step. */
export interface HttpAttempt {
  readonly site: CallSite;
  readonly url: string;
  readonly init: RequestInit;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly fetch?: typeof fetch;
  /** For Retry-After dates. */
  readonly now: () => Date;
  /** Provider error codes that decide the kind before the status does; default none. */
  readonly classify?: StatusClassifier;
  /** Values to scrub from provider text (it can echo request data). */
  readonly secrets?: readonly (string | undefined)[];
  /**
   * Which parsed field becomes the error's provider code: `status` (default: the body's code, e.g.
   * Google's `PERMISSION_DENIED`) or `reason` (Google's `errors[0].reason`, e.g. `alreadyExists`,
   * falling back to the code), for APIs whose reasons are the precise, documented cause.
   */
  readonly providerCode?: 'status' | 'reason';
}

/**
 * Send one attempt and return the 2xx response. Everything else becomes a `ProviderCallError`
 * for `site`: timeout/network → transient, 3xx → transient (not followed), other statuses as
 * `classify` says, else as the status table {@link kindOfStatus} says, with the provider's error code and
 * message parsed from the body (`HTTP<status>` when it names none) and `Retry-After` when throttled.
 * A caller abort is rethrown as is.
 */
export async function sendAttempt(attempt: HttpAttempt): Promise<Response> {
  let response: Response;
  try {
    response = await fetchWithDeadline(attempt.url, attempt.init, {
      timeoutMs: attempt.timeoutMs,
      ...(attempt.signal ? { signal: attempt.signal } : {}),
      ...(attempt.fetch ? { fetch: attempt.fetch } : {}),
    });
  } catch (e) {
    throwIfCallerAborted(attempt.signal);
    throw transportFailure(attempt.site, e, false, attempt.timeoutMs);
  }
  if (response.ok) return response;
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw redirectFailure(attempt.site, response.status, response.headers.get('location'));
  }
  const parsed = parseErrorBody(await readBodyText(response));
  const kind = attempt.classify?.(response.status, parsed) ?? kindOfStatus(response.status);
  const retryAfter = kind === 'throttled' ? parseRetryAfter(response.headers.get('retry-after'), attempt.now()) : undefined;
  const scrub = (text: string): string => redactSecrets(text, attempt.secrets ?? []);
  return Promise.reject(
    new ProviderCallError({
      ...attempt.site,
      code: scrub((attempt.providerCode === 'reason' ? (parsed.reason ?? parsed.code) : parsed.code) ?? `HTTP${response.status}`),
      message: scrub(parsed.message ?? `HTTP ${response.status}`),
      kind,
      status: response.status,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    }),
  );
}

/** Parse a 2xx JSON body, or fail the step as transient (`MalformedResponse`). */
export async function readJson(site: CallSite, response: Response): Promise<Record<string, unknown>> {
  const text = await readBodyText(response, 1024 * 1024);
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ProviderCallError({ ...site, code: 'MalformedResponse', message: 'response is not a JSON object', kind: 'transient' });
}
