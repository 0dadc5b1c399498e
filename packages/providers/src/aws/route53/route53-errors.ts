import { ProviderCallError, isProviderCallError } from '@cloudlink/engine';
import type { ProviderFailureKind } from '@cloudlink/engine';
import { parseRetryAfter } from '../../shared/index.js';

/** Route 53 error codes → failure kinds, as data (see docs/errors.md, docs/batching.md). Anything else is decided by HTTP status. */
export const ROUTE53_ERROR_KINDS: Readonly<Record<string, ProviderFailureKind>> = {
  InvalidChangeBatch: 'invalid-input',
  InvalidInput: 'invalid-input',
  InvalidDomainName: 'invalid-input',
  InvalidArgument: 'invalid-input',
  NoSuchHostedZone: 'not-found',
  NoSuchChange: 'not-found',
  HostedZoneNotFound: 'not-found',
  Throttling: 'throttled',
  ThrottlingException: 'throttled',
  PriorRequestNotComplete: 'throttled',
  HostedZoneAlreadyExists: 'conflict',
  ConflictingDomainExists: 'conflict',
  HostedZoneNotEmpty: 'conflict',
  AccessDenied: 'refused',
  AccessDeniedException: 'refused',
  // The assumed-role credentials themselves are no longer accepted.
  ExpiredToken: 'unauthorized',
  InvalidClientTokenId: 'unauthorized',
  SignatureDoesNotMatch: 'unauthorized',
};

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

function kindFromStatus(status: number | undefined): ProviderFailureKind {
  if (status === undefined || status >= 500) return 'transient';
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'refused';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  return 'invalid-input';
}

/**
 * Turn anything an SDK call threw into a ProviderCallError naming the call. An abort by the
 * caller's own signal is rethrown unchanged, so retries stop and the caller sees its reason.
 * `now` (the provider's clock) turns a Retry-After given as an HTTP-date into seconds.
 */
export function toRoute53Error(call: string, error: unknown, now: Date, signal?: AbortSignal): unknown {
  if (isProviderCallError(error)) return error;
  if (signal?.aborted) return signal.reason ?? error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  const isTimeout = e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'ETIMEDOUT';
  const code = isTimeout ? 'Timeout' : (e.name && e.name !== 'Error' ? e.name : (e.code ?? 'NetworkError'));
  const kind = isTimeout ? 'transient' : (ROUTE53_ERROR_KINDS[code] ?? kindFromStatus(status));
  const retryAfter = parseRetryAfter(e.$response?.headers?.['retry-after'], now);
  return new ProviderCallError({
    provider: 'route53',
    call,
    code,
    message: e.message || code,
    kind,
    ...(status !== undefined ? { status } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    cause: error,
  });
}
