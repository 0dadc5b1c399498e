import { ProviderCallError } from '@cloudlink/engine';
import type { ProviderFailureKind } from '@cloudlink/engine';
import { kindOfStatus, parseErrorBody, parseRetryAfter, redactSecrets, redirectFailure } from '../shared/index.js';
import type { CallSite } from '../shared/index.js';

/** What the HTTP client saw for the last request of a step. */
export interface ObservedResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | undefined };
  readonly bodyAsText?: string | null;
}

/** Entra OAuth errors that reflect the customer's app, secret or tenant (see docs/provider-calls.md). */
const ENTRA_REFUSALS = new Set(['invalid_client', 'unauthorized_client', 'invalid_request', 'invalid_tenant']);

/**
 * A failed answer of Entra ID or ARM as a `ProviderCallError`. Entra: the OAuth refusals above →
 * refused; ARM: 401/403/404 → refused; both: 429 → throttled, else transient. Provider text
 * keeps its first line (AADSTS descriptions append trace ids) and is scrubbed of `secrets`.
 */
export function classifyAzureResponse(
  site: CallSite,
  response: ObservedResponse,
  now: Date,
  secrets: readonly (string | undefined)[],
): ProviderCallError {
  const { status } = response;
  if (status >= 300 && status < 400) return redirectFailure(site, status, response.headers.get('location') ?? null);
  const parsed = parseErrorBody(response.bodyAsText ?? '');
  let kind: ProviderFailureKind | undefined;
  if (status === 429) kind = 'throttled';
  else if (status >= 500) kind = 'transient';
  else if (site.call === 'subscriptions.get') kind = status === 401 || status === 403 || status === 404 ? 'refused' : undefined;
  else kind = parsed.code && ENTRA_REFUSALS.has(parsed.code) ? 'refused' : undefined;
  kind ??= kindOfStatus(status);
  const retryAfter = kind === 'throttled' ? parseRetryAfter(response.headers.get('retry-after'), now) : undefined;
  const firstLine = (parsed.message ?? `HTTP ${status}`).split(/\r?\n/)[0] ?? '';
  return new ProviderCallError({
    ...site,
    code: redactSecrets(parsed.code ?? `HTTP${status}`, secrets),
    message: redactSecrets(firstLine.trim() || `HTTP ${status}`, secrets),
    kind,
    status,
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  });
}
