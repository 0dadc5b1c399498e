/**
 * How a provider call failed, decided by the provider implementation (it alone knows the codes; an
 * HTTP status with no more specific code is read by one table shared by every implementation):
 * - `refused`: the credential was accepted but the customer's setup says no (AccessDenied, invalid_grant, invalid_client, HTTP 403, …);
 * - `invalid-input`: the provider rejected our request as bad input (Route 53 InvalidChangeBatch, other HTTP 4xx) → 400;
 * - `unauthorized`: the credential presented was not accepted (HTTP 401, expired assumed-role credentials);
 * - `not-found`: the addressed object does not exist (NoSuchHostedZone, HTTP 404);
 * - `conflict`: the object already exists (HostedZoneAlreadyExists);
 * - `throttled`: rate limited (Throttling, PriorRequestNotComplete, 429) — retryable;
 * - `transient`: network, timeout, 5xx — retryable when the call is safe to resend;
 * - `platform`: our own platform credentials were rejected or are missing → no verdict.
 */
export type ProviderFailureKind =
  | 'refused'
  | 'invalid-input'
  | 'unauthorized'
  | 'not-found'
  | 'conflict'
  | 'throttled'
  | 'transient'
  | 'platform';

const BRAND = Symbol.for('@cloudlink/engine:provider-call-error');

/**
 * What a ProviderCallError keeps as its `cause`: name, message, stack, `code` and HTTP status of the
 * original and of its own causes — never the objects SDK errors carry (`$response`, the request with
 * its signed headers, session tokens, bodies). Engine errors keep provider errors as their cause and
 * hosts log causes, so nothing reachable from here may hold a credential.
 */
function summarizeCause(error: unknown, depth = 0): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const inner = (original as { cause?: unknown }).cause;
  const summary = new Error(original.message, depth < 4 && inner !== undefined ? { cause: summarizeCause(inner, depth + 1) } : undefined);
  summary.name = original.name;
  if (original.stack !== undefined) summary.stack = original.stack;
  const code = (original as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(summary, { code });
  const status = (original as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode ?? (original as { status?: unknown }).status;
  if (typeof status === 'number') Object.assign(summary, { status });
  return summary;
}

/**
 * A failed provider call. `message` is always `<call> failed: <code>: <provider message>`
 * (provider text truncated to 500 characters here, once; implementations redact secrets from it
 * before, since cutting first could split a secret and leave part of it visible).
 */
export class ProviderCallError extends Error {
  override readonly name = 'ProviderCallError';
  readonly [BRAND] = true;
  readonly provider: string;
  readonly call: string;
  readonly providerCode: string;
  readonly providerMessage: string;
  readonly kind: ProviderFailureKind;
  readonly status?: number;
  /** Seconds, from a provider `Retry-After`. */
  readonly retryAfter?: number;
  /** For a batch write that failed part-way: how many changes (in request order) were applied. */
  readonly progress?: { readonly appliedChanges: number; readonly totalChanges: number };

  constructor(input: {
    provider: string;
    call: string;
    code: string;
    message: string;
    kind: ProviderFailureKind;
    status?: number;
    retryAfter?: number;
    progress?: { appliedChanges: number; totalChanges: number };
    cause?: unknown;
  }) {
    const text = input.message.length > 500 ? `${input.message.slice(0, 497)}...` : input.message;
    super(
      `${input.call} failed: ${input.code}: ${text}`,
      input.cause === undefined ? undefined : { cause: isProviderCallError(input.cause) ? input.cause : summarizeCause(input.cause) },
    );
    this.provider = input.provider;
    this.call = input.call;
    this.providerCode = input.code;
    this.providerMessage = text;
    this.kind = input.kind;
    if (input.status !== undefined) this.status = input.status;
    if (input.retryAfter !== undefined) this.retryAfter = input.retryAfter;
    if (input.progress !== undefined) this.progress = input.progress;
  }
}

export function isProviderCallError(e: unknown): e is ProviderCallError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
