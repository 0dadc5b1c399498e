import type { EngineContext } from '../context.js';
import { providerNotConfigured } from '../errors/index.js';

const NOT_CONFIGURED = 'AWS platform account is not configured';

/**
 * How long a failed discovery is remembered. The template route is public: without this, every
 * anonymous request while STS fails (or the platform credentials are wrong) would be one more
 * GetCallerIdentity call with the platform's credentials.
 */
export const PLATFORM_ACCOUNT_FAILURE_TTL_MS = 30_000;

/**
 * The AWS platform account trusted by customer roles: the configured one, else
 * discovered through GetCallerIdentity with the platform credentials. A success is kept for the
 * life of the engine; a failure for `PLATFORM_ACCOUNT_FAILURE_TTL_MS`, then the next call tries
 * again. Neither → 503 `Provider unavailable`.
 */
export function createPlatformAccountResolver(ctx: Pick<EngineContext, 'config' | 'providers' | 'logger' | 'clock'>): () => Promise<string> {
  let discovered: Promise<string> | null = null;
  let failedUntil = Number.NEGATIVE_INFINITY;
  return async () => {
    if (ctx.config.aws.accountId) return ctx.config.aws.accountId;
    const aws = ctx.providers.aws;
    if (!aws) throw providerNotConfigured(NOT_CONFIGURED);
    if (discovered === null && ctx.clock.now().getTime() < failedUntil) throw providerNotConfigured(NOT_CONFIGURED);
    const attempt = (discovered ??= aws.getCallerIdentity().then(({ account }) => {
      if (!/^\d{12}$/.test(account)) throw new Error('GetCallerIdentity returned no 12-digit account');
      return account;
    }));
    try {
      return await attempt;
    } catch (e) {
      // Every caller awaiting this attempt lands here; the first one records the failure.
      if (discovered === attempt) {
        discovered = null;
        failedUntil = ctx.clock.now().getTime() + PLATFORM_ACCOUNT_FAILURE_TTL_MS;
        ctx.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'AWS platform account discovery failed');
      }
      throw providerNotConfigured(NOT_CONFIGURED);
    }
  };
}
