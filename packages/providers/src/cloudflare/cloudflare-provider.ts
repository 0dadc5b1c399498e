import type Cloudflare from 'cloudflare';
import { ProviderCallError, createWindowSelector, isProviderCallError, recordSetOrderKey, toFqdn, withoutRootDot } from '@cloudlink/engine';
import type { DnsAuth, DnsProvider, DnsSession, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { capabilitiesOf, once, resolveCallPolicy } from '../shared/index.js';
import type { CallPolicyOptions } from '../shared/index.js';
import { applyCloudflareChanges, planCloudflareChanges } from './cloudflare-apply.js';
import { cfCall, recordPages } from './cloudflare-call.js';
import type { CloudflareCallContext } from './cloudflare-call.js';
import { loadCloudflareSdk } from './cloudflare-errors.js';
import { setKey } from './cloudflare-plan.js';
import { CLOUDFLARE_FEATURES, toRecordSet } from './cloudflare-records.js';
import type { CloudflareRecord } from './cloudflare-records.js';

/** The API version sent as `api-version`, pinned so Cloudflare's behaviour does not move under us (the SDK defaults to today). */
export const CLOUDFLARE_API_VERSION = '2025-01-01';
export const DEFAULT_CLOUDFLARE_API_BASE_URL = 'https://api.cloudflare.com/client/v4';

/** Options of {@link createCloudflareProvider}. */
export interface CloudflareProviderOptions extends CallPolicyOptions {
  /** API base including `/client/v4`; default `https://api.cloudflare.com/client/v4` (`CLOUDFLARE_API_BASE_URL`). */
  readonly baseUrl?: string;
  /** Record operations per batch call, 1–200; default 200 (`CLOUDLINK_CLOUDFLARE_BATCH_SIZE`). */
  readonly batchSize?: number;
  /** Listing page size, 5–5000; default 100. */
  readonly perPage?: number;
  /** The fetch the SDK sends with (proxies, an in-process fake); default the global one. */
  readonly fetch?: typeof fetch;
}

/** Above this many touched names a write reads the zone once instead of once per name (see docs/batching.md). */
const TARGETED_READ_LIMIT = 20;

/** Options from the environment, validated; pass the result to {@link createCloudflareProvider}. */
export function cloudflareOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): Pick<CloudflareProviderOptions, 'baseUrl' | 'batchSize'> {
  const out: { baseUrl?: string; batchSize?: number } = {};
  if (env.CLOUDFLARE_API_BASE_URL) out.baseUrl = env.CLOUDFLARE_API_BASE_URL;
  if (env.CLOUDLINK_CLOUDFLARE_BATCH_SIZE) out.batchSize = Number(env.CLOUDLINK_CLOUDFLARE_BATCH_SIZE);
  return out;
}

/**
 * Cloudflare as a DnsProvider on the `cloudflare` SDK: zones are imported by name, never created;
 * writes go through the batch endpoint; the SDK never retries (maxRetries 0), the one retry policy (docs/batching.md)
 * runs here, with read-back before resending a batch after a 5xx/timeout.
 */
export function createCloudflareProvider(options: CloudflareProviderOptions = {}): DnsProvider {
  const policy = resolveCallPolicy(options);
  const baseUrl = options.baseUrl ?? DEFAULT_CLOUDFLARE_API_BASE_URL;
  if (!/^https?:\/\//.test(baseUrl)) throw new TypeError('cloudflare: baseUrl must be an http(s) URL');
  const batchSize = options.batchSize ?? CLOUDFLARE_FEATURES.defaultBatchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 200) throw new TypeError('cloudflare: batchSize must be an integer 1–200');
  const perPage = options.perPage ?? CLOUDFLARE_FEATURES.defaultPerPage;
  if (!Number.isInteger(perPage) || perPage < 5 || perPage > 5000) throw new TypeError('cloudflare: perPage must be an integer 5–5000');
  return {
    id: 'cloudflare',
    capabilities: capabilitiesOf(CLOUDFLARE_FEATURES),
    session(auth: DnsAuth): DnsSession {
      if (auth.provider !== 'cloudflare') throw new TypeError('cloudflare: session needs a Cloudflare API token');
      const client = once((): Promise<Cloudflare> => loadCloudflareSdk().then(({ default: Cloudflare }) => new Cloudflare({
        apiToken: auth.apiToken,
        // Never pick up other credentials from the environment.
        apiKey: null,
        apiEmail: null,
        userServiceKey: null,
        baseURL: baseUrl,
        maxRetries: 0,
        timeout: policy.timeoutMs,
        apiVersion: CLOUDFLARE_API_VERSION,
        fetchOptions: { redirect: 'manual' },
        ...(options.fetch ? { fetch: options.fetch } : {}),
      })));
      return createCloudflareSession({
        client,
        apiToken: auth.apiToken,
        policy,
        perPage,
        batchSize,
      });
    },
  };
}

function createCloudflareSession(ctx: CloudflareCallContext): DnsSession {
  const entriesOf = async (zoneId: string, name: string, type: string, signal?: AbortSignal): Promise<CloudflareRecord[]> => {
    const out: CloudflareRecord[] = [];
    for await (const page of recordPages(ctx, zoneId, { type, nameExact: withoutRootDot(name.toLowerCase()) }, signal)) out.push(...page);
    return out;
  };

  /** Current entries per `name type` key: one targeted read per key, or one streamed pass over the zone for many keys. */
  const readEntries = async (zoneId: string, keys: ReadonlySet<string>, signal?: AbortSignal): Promise<Map<string, CloudflareRecord[]>> => {
    const found = new Map<string, CloudflareRecord[]>();
    if (keys.size <= TARGETED_READ_LIMIT) {
      for (const key of keys) {
        const [name = '', type = ''] = key.split(' ');
        found.set(key, await entriesOf(zoneId, name, type, signal));
      }
      return found;
    }
    for await (const page of recordPages(ctx, zoneId, {}, signal)) {
      for (const record of page) {
        const key = setKey(record.name, record.type);
        if (keys.has(key)) found.set(key, [...(found.get(key) ?? []), record]);
      }
    }
    return found;
  };

  return {
    async createOrImportZone(input, options) {
      const signal = options?.signal;
      try {
        const token = await cfCall(ctx, 'GET /user/tokens/verify', async () => await (await ctx.client()).user.tokens.verify(signal ? { signal } : {}), { safeToResend: true, signal });
        if (token.status !== 'active') {
          throw new ProviderCallError({ provider: 'cloudflare', call: 'GET /user/tokens/verify', code: token.status, message: `This API token is ${token.status}`, kind: 'unauthorized' });
        }
      } catch (e) {
        // Account-owned tokens cannot call /user/tokens/verify: an auth answer there falls through to the zone lookup.
        const httpAuthError = isProviderCallError(e) && e.kind === 'unauthorized' && e.status !== undefined;
        if (!httpAuthError) throw e;
      }
      const page = await cfCall(ctx, 'GET /zones', async () => await (await ctx.client()).zones.list({ name: input.domainName, per_page: 50 }, signal ? { signal } : {}), {
        safeToResend: true,
        signal,
      });
      const zone = page.result.find((z) => z.name.toLowerCase() === input.domainName.toLowerCase());
      if (!zone) {
        throw new ProviderCallError({
          provider: 'cloudflare',
          call: 'GET /zones',
          code: 'ZoneNotFound',
          message: `No Cloudflare zone named ${input.domainName} is visible to this token`,
          kind: 'not-found',
        });
      }
      return { hostedZoneId: zone.id, domainName: zone.name.toLowerCase(), nameServers: zone.name_servers };
    },
    async getZone(hostedZoneId, options) {
      const signal = options?.signal;
      try {
        const zone = await cfCall(ctx, `GET /zones/${hostedZoneId}`, async () => await (await ctx.client()).zones.get({ zone_id: hostedZoneId }, signal ? { signal } : {}), { safeToResend: true, signal });
        return { hostedZoneId: zone.id, domainName: zone.name.toLowerCase(), nameServers: zone.name_servers };
      } catch (e) {
        if (isProviderCallError(e) && e.kind === 'not-found') return null;
        throw e;
      }
    },
    /**
     * Cloudflare lists by name in plain string order, which is not Route 53's reversed-label order
     * (the apex sorts after `a.…`, `a-b` before `a.x`), and no filter yields that order. So pages are
     * read one at a time, each converted at once to compact canonical sets (the raw page is then
     * dropped), and the sets are sorted before the first is yielded: memory is O(record sets of the
     * zone), bounded by Cloudflare's per-zone record quota, never O(raw pages). With a window
     * (`startAfter`/`limit`), only the records of the `limit` smallest keys after the start are kept.
     */
    async *listRecordSets(zone: ZoneInfo, options) {
      if (options?.limit !== undefined || options?.startAfter !== undefined || options?.skipTypes !== undefined) {
        // A window: stream the zone and keep only the records of its `limit` smallest keys.
        const selector = createWindowSelector<CloudflareRecord>(options);
        for await (const page of recordPages(ctx, zone.hostedZoneId, {}, options?.signal)) {
          for (const record of page) selector.offer({ name: toFqdn(record.name), type: record.type }, record);
        }
        for (const records of selector.take()) yield toRecordSet(records);
        return;
      }
      const groups = new Map<string, CloudflareRecord[]>();
      for await (const page of recordPages(ctx, zone.hostedZoneId, {}, options?.signal)) {
        for (const record of page) {
          const key = setKey(record.name, record.type);
          groups.set(key, [...(groups.get(key) ?? []), record]);
        }
      }
      const sets: RecordSet[] = [...groups.values()].map(toRecordSet);
      groups.clear();
      sets.sort((a, b) => (recordSetOrderKey(a) < recordSetOrderKey(b) ? -1 : 1));
      yield* sets;
    },
    async getRecordSet(zone, name, type, options) {
      const entries = await entriesOf(zone.hostedZoneId, name, type, options?.signal);
      return entries.length === 0 ? null : toRecordSet(entries);
    },
    applyChanges: (zone, changes, options) =>
      applyCloudflareChanges(ctx, zone, changes, (keys) => readEntries(zone.hostedZoneId, keys, options?.signal), options?.signal),
    planChanges: (zone, changes, options) => planCloudflareChanges(ctx, zone, changes, (keys) => readEntries(zone.hostedZoneId, keys, options?.signal)),
    /** Cloudflare zones are imported, never deleted here: the engine removes the records it created. */
    async deleteZone() {},
  };
}
