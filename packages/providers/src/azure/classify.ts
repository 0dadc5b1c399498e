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
 * The kind of a failed Entra ID or ARM answer, the one place Azure statuses are read:
 * - Entra's OAuth refusals above → `refused`;
 * - 412 (`PreconditionFailed`: an `If-Match` ETag that no longer matches, or `If-None-Match: *`
 *   on a resource that exists) → `conflict`: someone else changed the resource since it was read;
 * - everything else as the shared status table says ({@link kindOfStatus}): 401 → unauthorized,
 *   403 (`AuthorizationFailed`) → refused, 404 (`ResourceNotFound`, `ResourceGroupNotFound`,
 *   `ParentResourceNotFound`) → not-found, 429 → throttled, 400 (`BadRequest`) → invalid-input,
 *   5xx → transient.
 */
export function azureFailureKind(status: number, code: string | undefined): ProviderFailureKind {
  if (code && ENTRA_REFUSALS.has(code)) return 'refused';
  if (status === 412) return 'conflict';
  return kindOfStatus(status);
}

/**
 * A failed answer of Entra ID or ARM as a `ProviderCallError`, its kind as {@link azureFailureKind} says. Provider text
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
  const kind = azureFailureKind(status, parsed.code);
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
