import type Cloudflare from 'cloudflare';
import { withRetry } from '@cloudlink/engine';
import { retryOptionsOf } from '../shared/index.js';
import type { CallPolicy, ResendRule } from '../shared/index.js';
import { toCloudflareError } from './cloudflare-errors.js';
import type { CloudflareRecord } from './cloudflare-records.js';

/** What every Cloudflare call of one session needs. */
export interface CloudflareCallContext {
  /** The session's SDK client, made on the first call (the SDK is imported then). */
  readonly client: () => Promise<Cloudflare>;
  readonly apiToken: string;
  readonly policy: CallPolicy;
  readonly perPage: number;
  readonly batchSize: number;
}

/** One SDK call under the one retry policy (docs/batching.md), its failure classified and named after `call`. */
export function cfCall<T>(
  ctx: CloudflareCallContext,
  call: string,
  fn: () => Promise<T>,
  options: ResendRule<T>,
): Promise<T> {
  return withRetry(
    async () => {
      try {
        return await fn();
      } catch (e) {
        throw toCloudflareError(call, e, { apiToken: ctx.apiToken, now: ctx.policy.clock.now(), signal: options.signal });
      }
    },
    retryOptionsOf(ctx.policy, options),
  );
}

/** Filters of `GET /zones/:id/dns_records` this package uses. */
export interface RecordQuery {
  readonly type?: string;
  readonly nameExact?: string;
}

/**
 * The zone's DNS records, ordered by name, one page at a time (each page is requested only when the
 * previous one has been consumed). Stops on an empty page, a short page or the last `total_pages`.
 */
export async function* recordPages(ctx: CloudflareCallContext, zoneId: string, query: RecordQuery, signal?: AbortSignal): AsyncGenerator<CloudflareRecord[]> {
  for (let page = 1; ; page++) {
    const params = {
      zone_id: zoneId,
      page,
      per_page: ctx.perPage,
      order: 'name' as const,
      direction: 'asc' as const,
      ...(query.type ? { type: query.type as 'A' } : {}),
      ...(query.nameExact ? { name: { exact: query.nameExact } } : {}),
    };
    const result = await cfCall(ctx, `GET /zones/${zoneId}/dns_records`, async () => await (await ctx.client()).dns.records.list(params, signal ? { signal } : {}), { safeToResend: true, signal });
    const records = result.result as unknown as CloudflareRecord[];
    if (records.length === 0) return;
    yield records;
    // The SDK types only page/per_page; Cloudflare also sends total_pages.
    const totalPages = (result.result_info as { total_pages?: number } | undefined)?.total_pages;
    if (records.length < ctx.perPage || (totalPages !== undefined && page >= totalPages)) return;
  }
}
