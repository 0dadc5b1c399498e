import type { DnsManagementClient, Zone } from '@azure/arm-dns';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { ProviderCallError, createWindowSelector, isProviderCallError, trimTrailingSlashes, withoutRootDot } from '@cloudlink/engine';
import type { DnsAuth, DnsProvider, DnsSession, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { capabilitiesOf, once, resolveCallPolicy, throwIfCallerAborted } from '../../shared/index.js';
import type { CallPolicyOptions } from '../../shared/index.js';
import { createObservingHttpClient } from '../http-client.js';
import type { AzureTlsOptions } from '../http-client.js';
import { AZUREDNS, azCall, isGone, loadArmDns, parseZoneId, tokenSourceCredential, zoneArmId } from './call.js';
import type { AzureDnsCallContext, ZoneId } from './call.js';
import { applyAzureChanges, heldKey, planAzureChanges, readRecordSet } from './changes.js';
import type { HeldSet } from './changes.js';
import { AZUREDNS_FEATURES, azureRelativeName, fromAzureRecordSet } from './records.js';

/** Options of {@link createAzureDnsProvider}; the URL is configuration, never user input (see docs/provider-calls.md). */
export interface AzureDnsProviderOptions extends CallPolicyOptions {
  /** ARM base, `https` only (the SDK sends bearer tokens over TLS only); default `CLOUDLINK_AZURE_ARM_URL`, else `https://management.azure.com`. */
  readonly armUrl?: string;
  /** Extra trusted CA(s), instead of a process-wide `NODE_EXTRA_CA_CERTS`. */
  readonly tls?: AzureTlsOptions;
  /** The HTTP client under the SDK; default @azure/core-rest-pipeline's Node client. */
  readonly httpClient?: HttpClient;
  /** Where the env default is read; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Listing page size (`$top`), 1–1000; default 100. */
  readonly pageSize?: number;
  /** Wait between polls of a zone delete, in ms, on the policy's clock; default 2 000. */
  readonly pollIntervalMs?: number;
  /** Polls of a zone delete before it is given up (`transient`); default 150. */
  readonly maxPolls?: number;
}

/** Above this many touched sets a write reads the zone once instead of once per set. */
const TARGETED_READ_LIMIT = 20;

/**
 * Azure DNS as a DnsProvider on @azure/arm-dns (see docs/azure-dns.md): zones in the connection's
 * resource group, one write call per change with ETag preconditions, a zone delete polled as ARM's
 * long-running operation. The SDK never retries (retries 0, redirects 0): the one retry policy
 * (docs/batching.md) runs here, with Retry-After honoured, and failures are classified from the wire.
 */
export function createAzureDnsProvider(options: AzureDnsProviderOptions = {}): DnsProvider {
  const policy = resolveCallPolicy(options);
  const env = options.env ?? process.env;
  const armUrl = trimTrailingSlashes(options.armUrl ?? env.CLOUDLINK_AZURE_ARM_URL ?? 'https://management.azure.com');
  if (!armUrl.startsWith('https://')) throw new TypeError(`azuredns: armUrl must be an https URL, got ${armUrl}`);
  const pageSize = options.pageSize ?? AZUREDNS_FEATURES.defaultPageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > AZUREDNS_FEATURES.maxPageSize) throw new TypeError(`azuredns: pageSize must be an integer 1–${AZUREDNS_FEATURES.maxPageSize}`);
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const maxPolls = options.maxPolls ?? 150;
  if (!(pollIntervalMs >= 0) || !Number.isInteger(maxPolls) || maxPolls < 1) throw new TypeError('azuredns: pollIntervalMs must be ≥ 0 and maxPolls a positive integer');
  return {
    id: 'azuredns',
    capabilities: capabilitiesOf(AZUREDNS_FEATURES),
    session(auth: DnsAuth): DnsSession {
      if (auth.provider !== 'azuredns') throw new TypeError('azuredns: session needs an Azure DNS auth (subscription, resource group, token source)');
      const client = once(async (): Promise<DnsManagementClient> => {
        const { dns, pipeline } = await loadArmDns();
        const httpClient = createObservingHttpClient({
          base: options.httpClient ?? pipeline.createDefaultHttpClient(),
          timeoutMs: policy.timeoutMs,
          observation: {},
          ...(options.tls ? { tls: options.tls } : {}),
        });
        return new dns.DnsManagementClient(tokenSourceCredential(auth.accessToken), auth.subscriptionId, {
          endpoint: armUrl,
          $host: armUrl,
          credentialScopes: [`${armUrl}/.default`],
          httpClient,
          // The one retry policy runs around each call (azCall); the SDK's own would retry a second time.
          retryOptions: { maxRetries: 0 },
          redirectOptions: { maxRetries: 0 },
        });
      });
      return createAzureDnsSession({ client, policy, subscriptionId: auth.subscriptionId, resourceGroup: auth.resourceGroup, pageSize, pollIntervalMs, maxPolls });
    },
  };
}

/** A zone resource → ZoneInfo (name servers without the root dot, like every provider's). */
function zoneInfo(ctx: AzureDnsCallContext, zone: Zone, fallback: ZoneId): ZoneInfo {
  const name = (zone.name ?? fallback.zoneName).toLowerCase();
  return {
    hostedZoneId: zone.id ?? zoneArmId({ ...fallback, subscriptionId: ctx.subscriptionId }),
    domainName: withoutRootDot(name),
    nameServers: (zone.nameServers ?? []).map((ns) => withoutRootDot(ns.toLowerCase())),
  };
}

function createAzureDnsSession(ctx: AzureDnsCallContext): DnsSession {
  const abortOf = (signal: AbortSignal | undefined) => (signal ? { abortSignal: signal } : {});

  /** The record sets of the zone, one page at a time (`$top`, then Azure's `nextLink`), each page requested once the previous one is consumed. */
  async function* pages(zone: ZoneInfo, zoneId: ZoneId, pageSize: number, signal?: AbortSignal): AsyncGenerator<RecordSet[]> {
    const { getContinuationToken } = (await loadArmDns()).dns;
    let continuationToken: string | undefined;
    do {
      const page = await azCall(
        ctx,
        'RecordSets.listAllByDnsZone',
        async (c) => {
          const pager = c.recordSets.listAllByDnsZone(zoneId.resourceGroup, zoneId.zoneName, { top: pageSize, ...abortOf(signal) }).byPage(continuationToken ? { continuationToken } : {});
          const next = await pager.next();
          return next.done ? [] : next.value;
        },
        { safeToResend: true, signal },
      );
      continuationToken = getContinuationToken(page);
      yield page.map((s) => fromAzureRecordSet(s, zone.domainName));
    } while (continuationToken);
  }

  const readHeld = (zone: ZoneInfo, zoneId: ZoneId, signal?: AbortSignal) => async (keys: ReadonlySet<string>): Promise<Map<string, HeldSet>> => {
    const found = new Map<string, HeldSet>();
    if (keys.size <= TARGETED_READ_LIMIT) {
      for (const key of keys) {
        const [name = '', type = ''] = key.split(' ');
        let relative: string;
        try {
          relative = azureRelativeName(name, zone.domainName);
        } catch {
          continue; // not in the zone: decideWrite refuses it
        }
        const set = await readRecordSet(ctx, zone, zoneId, relative, type, signal);
        if (set) found.set(key, { set, etag: set.etag });
      }
      return found;
    }
    for await (const page of pages(zone, zoneId, ctx.pageSize, signal)) {
      for (const set of page) {
        const key = heldKey(set.name, set.type);
        if (keys.has(key)) found.set(key, { set, etag: set.etag });
      }
    }
    return found;
  };

  const zoneIdOf = (zone: ZoneInfo, call: string) => parseZoneId(ctx, zone.hostedZoneId, call);

  return {
    /**
     * PUT the zone with `If-None-Match: *`. A zone of that name already in the resource group (412)
     * is returned as it is: Azure has no caller reference, the name is the zone's identity in its
     * group, so a resend after a lost answer, or a zone made outside this product, is adopted
     * instead of failing (and never overwritten: the PUT did not happen).
     */
    async createOrImportZone(input, options) {
      const signal = options?.signal;
      throwIfCallerAborted(signal);
      const zoneName = withoutRootDot(input.domainName.toLowerCase());
      const id: ZoneId = { subscriptionId: ctx.subscriptionId, resourceGroup: ctx.resourceGroup, zoneName };
      try {
        const zone = await azCall(
          ctx,
          'Zones.createOrUpdate',
          (c) => c.zones.createOrUpdate(ctx.resourceGroup, zoneName, { location: AZUREDNS_FEATURES.zoneLocation, zoneType: 'Public' }, { ifNoneMatch: '*', ...abortOf(signal) }),
          { safeToResend: true, signal },
        );
        return zoneInfo(ctx, zone, id);
      } catch (e) {
        if (!(isProviderCallError(e) && e.kind === 'conflict')) throw e;
      }
      const existing = await azCall(ctx, 'Zones.get', (c) => c.zones.get(ctx.resourceGroup, zoneName, abortOf(signal)), { safeToResend: true, signal });
      return zoneInfo(ctx, existing, id);
    },

    async getZone(hostedZoneId, options) {
      const signal = options?.signal;
      const id = parseZoneId(ctx, hostedZoneId, 'Zones.get');
      try {
        const zone = await azCall(ctx, 'Zones.get', (c) => c.zones.get(id.resourceGroup, id.zoneName, abortOf(signal)), { safeToResend: true, signal });
        return zoneInfo(ctx, zone, id);
      } catch (e) {
        // A zone whose resource group is gone is gone too.
        if (isProviderCallError(e) && e.kind === 'not-found') return null;
        throw e;
      }
    },

    /**
     * Azure lists in its own order (by relative name), not Route 53's reversed-label order, and has
     * no filter giving that order. So pages are read one at a time, each set converted at once to
     * its compact canonical form (the raw page is dropped), and the window selector keeps the
     * `limit` smallest keys after `startAfter` (every key without `limit`), sorted before the first
     * is yielded: memory is O(record sets of the window), bounded by Azure's per-zone quota.
     */
    async *listRecordSets(zone, options) {
      const id = zoneIdOf(zone, 'RecordSets.listAllByDnsZone');
      const pageSize = Math.min(Math.max(1, options?.pageSize ?? ctx.pageSize), AZUREDNS_FEATURES.maxPageSize);
      const selector = createWindowSelector<RecordSet>(options ?? {});
      for await (const page of pages(zone, id, pageSize, options?.signal)) for (const set of page) selector.offer(set, set);
      for (const group of selector.take()) yield* group;
    },

    async getRecordSet(zone, name, type, options) {
      const id = zoneIdOf(zone, 'RecordSets.get');
      let relative: string;
      try {
        relative = azureRelativeName(name, zone.domainName);
      } catch {
        return null;
      }
      return readRecordSet(ctx, zone, id, relative, type, options?.signal);
    },

    applyChanges(zone, changes, options) {
      const id = zoneIdOf(zone, 'RecordSets.createOrUpdate');
      return applyAzureChanges(ctx, zone, id, changes, readHeld(zone, id, options?.signal), options?.signal);
    },

    planChanges(zone, changes, options) {
      const id = zoneIdOf(zone, 'RecordSets.createOrUpdate');
      return planAzureChanges(zone, changes, readHeld(zone, id, options?.signal));
    },

    /**
     * `Zones.delete`, ARM's long-running operation: the 202 is polled (`Azure-AsyncOperation` /
     * `Location`) by the SDK's poller, one poll per `pollIntervalMs` of the policy's clock (never
     * the poller's own timer), at most `maxPolls` times. Azure deletes the records with the zone.
     * A zone (or resource group) already gone counts as done.
     */
    async deleteZone(zone, options) {
      const signal = options?.signal;
      const id = zoneIdOf(zone, 'Zones.delete');
      let poller;
      try {
        poller = await azCall(ctx, 'Zones.delete', (c) => c.zones.beginDelete(id.resourceGroup, id.zoneName, abortOf(signal)), { safeToResend: true, signal });
      } catch (e) {
        if (isProviderCallError(e) && e.kind === 'not-found') return;
        throw e;
      }
      for (let polls = 0; !poller.isDone(); polls++) {
        if (polls >= ctx.maxPolls) {
          throw new ProviderCallError({ provider: AZUREDNS, call: 'Zones.delete', code: 'OperationTimeout', message: `the zone delete was still running after ${polls} polls`, kind: 'transient' });
        }
        await ctx.policy.clock.sleep(ctx.pollIntervalMs, signal);
        const running = poller;
        try {
          await azCall(ctx, 'Zones.delete', () => running.poll(abortOf(signal)), { safeToResend: true, signal });
        } catch (e) {
          if (isGone(e)) return;
          throw e;
        }
      }
    },
  };
}
