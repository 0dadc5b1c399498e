import type { EngineContext } from '../context.js';
import { providerNotConfigured } from '../errors/index.js';

const NOT_CONFIGURED = 'AWS platform account is not configured';

/**
 * The AWS platform account trusted by customer roles (SPEC §4.2): the configured one, else
 * discovered once through GetCallerIdentity with the platform credentials (a failed discovery is
 * retried on the next call). Neither → 503 `Provider unavailable`.
 */
export function createPlatformAccountResolver(ctx: Pick<EngineContext, 'config' | 'providers' | 'logger'>): () => Promise<string> {
  let discovered: Promise<string> | null = null;
  return async () => {
    if (ctx.config.aws.accountId) return ctx.config.aws.accountId;
    const aws = ctx.providers.aws;
    if (!aws) throw providerNotConfigured(NOT_CONFIGURED);
    discovered ??= aws.getCallerIdentity().then(({ account }) => {
      if (!/^\d{12}$/.test(account)) throw new Error('GetCallerIdentity returned no 12-digit account');
      return account;
    });
    try {
      return await discovered;
    } catch (e) {
      discovered = null;
      ctx.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'AWS platform account discovery failed');
      throw providerNotConfigured(NOT_CONFIGURED);
    }
  };
}
