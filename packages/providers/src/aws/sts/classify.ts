import { ProviderCallError } from '@cloudlink/engine';
import type { ProviderFailureKind } from '@cloudlink/engine';
import { kindOfStatus, parseRetryAfter, transportFailure } from '../../shared/index.js';

/** STS error codes that reflect the customer's setup: a test verdict. */
const REFUSED = new Set(['AccessDenied', 'AccessDeniedException', 'RegionDisabledException', 'ValidationError']);
/** Rate limiting (see docs/batching.md). */
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete', 'RequestLimitExceeded', 'TooManyRequestsException']);
/** Our platform credentials were rejected or are missing: no verdict, an operator problem. */
const PLATFORM = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'CredentialsProviderError',
]);

/**
 * AssumeRoleWithWebIdentity: the role's trust refused our token (wrong issuer, audience, subject,
 * signature, or an expired token): a verdict on the customer's setup. The same ExpiredTokenException
 * on a signed call means our platform credentials expired. The SDK names these errors by their
 * modeled exception (`InvalidIdentityTokenException` for the wire code `InvalidIdentityToken`), so
 * both spellings are listed.
 */
const WEB_IDENTITY_REFUSED = new Set([
  'InvalidIdentityToken',
  'InvalidIdentityTokenException',
  'AccessDenied',
  'ExpiredTokenException',
  'ExpiredToken',
  'IDPRejectedClaim',
  'IDPRejectedClaimException',
  'PackedPolicyTooLarge',
  'PackedPolicyTooLargeException',
  'ValidationError',
]);
const WEB_IDENTITY_IDP_UNREACHABLE = new Set(['IDPCommunicationError', 'IDPCommunicationErrorException']);

function stsCodeKind(code: string, call: string): ProviderFailureKind | undefined {
  if (call === 'AssumeRoleWithWebIdentity') {
    if (WEB_IDENTITY_REFUSED.has(code)) return 'refused';
    // STS could not reach our issuer's JWKS: nothing said about the setup.
    if (WEB_IDENTITY_IDP_UNREACHABLE.has(code)) return 'transient';
  }
  if (REFUSED.has(code)) return 'refused';
  if (THROTTLED.has(code)) return 'throttled';
  if (PLATFORM.has(code)) return 'platform';
  return undefined;
}

interface SdkErrorLike {
  name: string;
  message: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

function isSdkServiceError(e: unknown): e is SdkErrorLike {
  return typeof e === 'object' && e !== null && '$metadata' in e && typeof (e as SdkErrorLike).$fault === 'string';
}

/**
 * Turn whatever the STS client threw into a `ProviderCallError` for step `call`:
 * AccessDenied → refused; Throttling → throttled (with Retry-After); rejected or missing
 * platform credentials → platform; other codes as the shared status table says; network and timeout → transient.
 */
export function classifyStsError(call: string, e: unknown, timedOut: boolean, timeoutMs: number, now: Date): ProviderCallError {
  const site = { provider: 'aws', call };
  if (isSdkServiceError(e)) {
    const status = e.$metadata?.httpStatusCode;
    const code = e.name && e.name !== 'Error' ? e.name : `HTTP${status ?? ''}`;
    const kind = stsCodeKind(code, call) ?? kindOfStatus(status);
    const retryAfter = kind === 'throttled' ? parseRetryAfter(e.$response?.headers?.['retry-after'], now) : undefined;
    return new ProviderCallError({
      ...site,
      code,
      message: e.message || `HTTP ${status ?? 'error'}`,
      kind,
      ...(status !== undefined ? { status } : {}),
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      cause: e,
    });
  }
  const name = e instanceof Error ? e.name : '';
  if (name === 'CredentialsProviderError') {
    // The SDK's chain found no platform credentials: an operator problem, not the customer's.
    return new ProviderCallError({ ...site, code: 'MissingPlatformCredentials', message: (e as Error).message, kind: 'platform', cause: e });
  }
  if (timedOut || name === 'TimeoutError' || name === 'AbortError') return transportFailure(site, e, true, timeoutMs);
  return transportFailure(site, e, false, timeoutMs);
}
