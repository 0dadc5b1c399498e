import type * as CloudflareModule from 'cloudflare';
import { ProviderCallError, isProviderCallError } from '@cloudlink/engine';
import type { ProviderFailureKind } from '@cloudlink/engine';
import { kindOfStatus, once, parseRetryAfter, redactSecrets } from '../shared/index.js';

type CloudflareSdk = typeof CloudflareModule;
let loaded: CloudflareSdk | undefined;

/**
 * The `cloudflare` SDK, imported on first use and once: it is large (tens of MiB once loaded), and
 * a process that never reaches Cloudflare (a server that only reads, the CLI) should not pay for it.
 */
export const loadCloudflareSdk: () => Promise<CloudflareSdk> = once(() => import('cloudflare').then((m) => (loaded = m)));

/**
 * Turn anything a Cloudflare SDK call threw into a ProviderCallError naming the call: `code` is the
 * first Cloudflare error code (else `HTTP <status>`), the message joins the envelope's error messages.
 * The API token never appears in the text. An abort by the caller's signal is rethrown unchanged.
 */
export function toCloudflareError(call: string, error: unknown, context: { apiToken: string; now: Date; signal?: AbortSignal | undefined }): unknown {
  if (isProviderCallError(error)) return error;
  // Only an SDK call can throw the SDK's errors, and a call needs the SDK loaded.
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = loaded ?? NO_SDK_ERRORS;
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
    const kind = kindOfStatus(status);
    const retryAfter = parseRetryAfter(error.headers?.get('retry-after'), context.now);
    return make(code, message, kind, { status, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  }
  return make('NetworkError', error instanceof Error ? error.message : String(error), 'transient');
}

/** Classes no error is an instance of, standing in for the SDK's before it is loaded. */
const NO_SDK_ERRORS = (() => {
  class Never {
    static [Symbol.hasInstance](): boolean {
      return false;
    }
  }
  return { APIConnectionError: Never, APIConnectionTimeoutError: Never, APIError: Never, APIUserAbortError: Never } as unknown as CloudflareSdk;
})();
