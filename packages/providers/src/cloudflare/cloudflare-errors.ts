import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'cloudflare';
import { ProviderCallError, isProviderCallError } from '@cloudlink/engine';
import type { ProviderFailureKind } from '@cloudlink/engine';
import { parseRetryAfter, redactSecrets } from '../shared/index.js';

/** HTTP status → failure kind for Cloudflare answers (see docs/errors.md, docs/batching.md), as data; other 4xx are invalid input, 5xx transient. */
export const CLOUDFLARE_STATUS_KINDS: Readonly<Record<number, ProviderFailureKind>> = {
  400: 'invalid-input',
  401: 'unauthorized',
  403: 'unauthorized',
  404: 'not-found',
  409: 'conflict',
  429: 'throttled',
};

/**
 * Turn anything a Cloudflare SDK call threw into a ProviderCallError naming the call: `code` is the
 * first Cloudflare error code (else `HTTP <status>`), the message joins the envelope's error messages.
 * The API token never appears in the text. An abort by the caller's signal is rethrown unchanged.
 */
export function toCloudflareError(call: string, error: unknown, context: { apiToken: string; now: Date; signal?: AbortSignal | undefined }): unknown {
  if (isProviderCallError(error)) return error;
  if (error instanceof APIUserAbortError || context.signal?.aborted) return context.signal?.reason ?? error;
  const make = (code: string, message: string, kind: ProviderFailureKind, extra: { status?: number; retryAfter?: number } = {}) =>
    new ProviderCallError({ provider: 'cloudflare', call, code, message: redactSecrets(message, [context.apiToken]), kind, ...extra, cause: error });
  if (error instanceof APIConnectionTimeoutError) return make('Timeout', 'The request timed out', 'transient');
  if (error instanceof APIConnectionError) return make('NetworkError', error.message || 'Connection error', 'transient');
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const first = error.errors[0];
    const code = first?.code !== undefined ? String(first.code) : `HTTP ${status}`;
    const message = error.errors.map((e) => e.message).filter(Boolean).join('; ') || `HTTP ${status}`;
    const kind = CLOUDFLARE_STATUS_KINDS[status] ?? (status >= 500 ? 'transient' : 'invalid-input');
    const retryAfter = parseRetryAfter(error.headers?.get('retry-after'), context.now);
    return make(code, message, kind, { status, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  }
  return make('NetworkError', error instanceof Error ? error.message : String(error), 'transient');
}
