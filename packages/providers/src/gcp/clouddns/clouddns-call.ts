import { withRetry } from '@cloudlink/engine';
import type { TokenSource } from '@cloudlink/engine';
import { readJson, retryOptionsOf, sendAttempt } from '../../shared/index.js';
import type { CallPolicy, ResendRule, StatusClassifier } from '../../shared/index.js';

/** What every Cloud DNS call of one session needs. */
export interface CloudDnsCallContext {
  readonly policy: CallPolicy;
  /** `<base>/dns/v1/projects/<project>`. */
  readonly projectUrl: string;
  readonly accessToken: TokenSource;
  readonly fetch?: typeof fetch;
}

/** Google reasons that mean "slow down" whatever the status (older Google APIs answer them with 403). */
const THROTTLE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

/**
 * Cloud DNS's reasons before the status table: rate limits are `throttled` on any status; a 404
 * naming a part of the change (`entity.change.deletions[0]` … does not exist) is about what was
 * sent, not a missing zone, so it is `invalid-input` like the 412 `conditionNotMet` of a deletion
 * that no longer matches.
 */
export const classifyCloudDns: StatusClassifier = (status, error) => {
  if (status === 429 || (error.reason !== undefined && THROTTLE_REASONS.has(error.reason))) return 'throttled';
  if (status === 404 && error.message?.includes('entity.change')) return 'invalid-input';
  return undefined;
};

export interface CloudDnsRequest {
  readonly call: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Below the project URL, already encoded. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
}

/**
 * One attempt: a fresh token from the source (never cached here, so a long listing outlives any
 * one token), then the shared HTTP step (deadline, no redirects, status → kind, Retry-After,
 * the token redacted from provider text).
 */
async function attempt(ctx: CloudDnsCallContext, req: CloudDnsRequest, signal: AbortSignal | undefined): Promise<Response> {
  const { token } = await ctx.accessToken(signal ? { signal } : {});
  const url = new URL(`${ctx.projectUrl}${req.path}`);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return sendAttempt({
    site: { provider: 'clouddns', call: req.call },
    url: url.href,
    init: {
      method: req.method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
    },
    timeoutMs: ctx.policy.timeoutMs,
    now: () => ctx.policy.clock.now(),
    classify: classifyCloudDns,
    providerCode: 'reason',
    secrets: [token],
    ...(signal ? { signal } : {}),
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  });
}

/** One attempt, no retry: the JSON body of its 2xx answer ({} for a DELETE, which answers with an empty body). */
export async function cloudDnsAttempt(ctx: CloudDnsCallContext, req: CloudDnsRequest, signal: AbortSignal | undefined): Promise<Record<string, unknown>> {
  const response = await attempt(ctx, req, signal);
  if (req.method === 'DELETE') {
    await response.body?.cancel();
    return {};
  }
  return readJson({ provider: 'clouddns', call: req.call }, response);
}

/** One call under the one retry policy (docs/batching.md). */
export function cloudDnsCall(
  ctx: CloudDnsCallContext,
  req: CloudDnsRequest,
  options: ResendRule<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  return withRetry(() => cloudDnsAttempt(ctx, req, options.signal), retryOptionsOf(ctx.policy, options));
}
