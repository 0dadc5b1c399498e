import type {
  CreateHostedZoneCommandOutput,
  GetHostedZoneCommandOutput,
  HostedZone,
  ListHostedZonesByNameCommandOutput,
  ListResourceRecordSetsCommandOutput,
  RRType,
  Route53Client,
  Route53ClientConfig,
} from '@aws-sdk/client-route-53';
import { isProviderCallError, windowInOrder, withRetry, withoutRootDot } from '@cloudlink/engine';
import type { AwsCredentials, DnsAuth, DnsProvider, DnsSession, ExistingZone, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { resolveCallPolicy, retryOptionsOf } from '../../shared/index.js';
import type { CallPolicyOptions } from '../../shared/index.js';
import { loadRoute53Sdk, sendOnce, sendWithRetry } from './route53-call.js';
import type { Route53Sdk } from './route53-call.js';
import type { Route53CallContext } from './route53-call.js';
import { applyRoute53Changes, planRoute53Changes } from './route53-changes.js';
import { ROUTE53_FEATURES, bareId, decodeRoute53Name, fromRoute53RecordSet, zoneDomainName } from './route53-records.js';

/** Options of {@link createRoute53Provider}. Every field has a production default. */
export interface Route53ProviderOptions extends CallPolicyOptions {
  /** Route 53 endpoint; default the SDK's (which honours `AWS_ENDPOINT_URL_ROUTE_53`). */
  readonly endpoint?: string;
  /** Signing region; Route 53 is global and signs in `us-east-1`. */
  readonly region?: string;
  /**
   * The SDK's HTTP handler (an object with `handle(request)`), e.g. an in-process fake. Default: the
   * SDK's Node handler with connection and request timeouts of `timeoutMs`.
   */
  readonly requestHandler?: Route53ClientConfig['requestHandler'];
  /** ListResourceRecordSets page size, 1–300; default 300 (see docs/records.md). */
  readonly pageSize?: number;
}

/**
 * Route 53 as a DnsProvider on `@aws-sdk/client-route-53`. Sessions use the linked connection's
 * assumed-role credentials; the SDK never retries (maxAttempts 1): the one retry policy (docs/batching.md) runs here,
 * with read-back before resending unsafe writes.
 */
export function createRoute53Provider(options: Route53ProviderOptions = {}): DnsProvider {
  const pageSize = options.pageSize ?? ROUTE53_FEATURES.maxPageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > ROUTE53_FEATURES.maxPageSize) {
    throw new TypeError(`route53: pageSize must be an integer 1–${ROUTE53_FEATURES.maxPageSize}`);
  }
  const policy = resolveCallPolicy(options);
  const { timeoutMs } = policy;
  // One SDK client per credentials object: the engine's credential cache hands out the same object until it refreshes.
  const clients = new WeakMap<AwsCredentials, Route53Client>();
  const clientFor = (sdk: Route53Sdk, credentials: AwsCredentials): Route53Client => {
    let client = clients.get(credentials);
    if (!client) {
      client = new sdk.Route53Client({
        region: options.region ?? 'us-east-1',
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        credentials,
        maxAttempts: 1,
        requestHandler: options.requestHandler ?? { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true },
      });
      clients.set(credentials, client);
    }
    return client;
  };
  return {
    id: 'route53',
    capabilities: {
      recordTypes: ROUTE53_FEATURES.recordTypes,
      apexCname: ROUTE53_FEATURES.apexCname,
      createsZones: true,
      aliasRecords: ROUTE53_FEATURES.aliasSets === 'written',
      proxy: ROUTE53_FEATURES.proxy,
    },
    session(auth: DnsAuth): DnsSession {
      if (auth.provider !== 'route53') throw new TypeError('route53: session needs route53 credentials');
      const { credentials } = auth;
      return createRoute53Session(
        {
          client: async () => clientFor(await loadRoute53Sdk(), credentials),
          policy,
        },
        pageSize,
      );
    },
  };
}

/** ListHostedZonesByName page size (its maximum). */
const ZONES_PAGE_SIZE = 100;

/** The types Route 53 accepts as StartRecordType; a cursor naming another starts at the name alone. */
const ROUTE53_RECORD_TYPES: ReadonlySet<string> = new Set(['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HTTPS', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SPF', 'SRV', 'SSHFP', 'SVCB', 'TLSA', 'TXT']);

/** The ZoneInfo of a GetHostedZone or CreateHostedZone answer (both carry HostedZone + DelegationSet). */
function zoneInfoOf(out: Pick<GetHostedZoneCommandOutput, 'HostedZone' | 'DelegationSet'>): ZoneInfo {
  return {
    hostedZoneId: bareId(out.HostedZone?.Id),
    domainName: zoneDomainName(out.HostedZone?.Name),
    nameServers: out.DelegationSet?.NameServers ?? [],
  };
}

function createRoute53Session(ctx: Route53CallContext, defaultPageSize: number): DnsSession {
  const getZone = async (hostedZoneId: string, signal?: AbortSignal): Promise<ZoneInfo | null> => {
    try {
      const out = await sendWithRetry<GetHostedZoneCommandOutput>(ctx, 'GetHostedZone', (sdk) => new sdk.GetHostedZoneCommand({ Id: hostedZoneId }), {
        safeToResend: true,
        signal,
      });
      return zoneInfoOf(out);
    } catch (e) {
      if (isProviderCallError(e) && e.kind === 'not-found') return null;
      throw e;
    }
  };

  /**
   * The hosted zones named exactly `domainName`, in ListHostedZonesByName order, read page by page
   * from that name and no further than the last zone of that name.
   */
  async function* zonesNamed(domainName: string, signal?: AbortSignal): AsyncGenerator<HostedZone> {
    const dnsName = `${withoutRootDot(domainName.toLowerCase())}.`;
    let marker: { DNSName?: string; HostedZoneId?: string } = { DNSName: dnsName };
    for (;;) {
      const params = marker;
      const out = await sendWithRetry<ListHostedZonesByNameCommandOutput>(
        ctx,
        'ListHostedZonesByName',
        (sdk) => new sdk.ListHostedZonesByNameCommand({ ...params, MaxItems: ZONES_PAGE_SIZE }),
        { safeToResend: true, signal },
      );
      for (const zone of out.HostedZones ?? []) {
        if (decodeRoute53Name(zone.Name ?? '') !== dnsName) return;
        yield zone;
      }
      if (!out.IsTruncated || !out.NextDNSName || decodeRoute53Name(out.NextDNSName) !== dnsName) return;
      marker = { DNSName: out.NextDNSName, ...(out.NextHostedZoneId ? { HostedZoneId: out.NextHostedZoneId } : {}) };
    }
  }

  /** After a lost answer or a crash, the zone an earlier CreateHostedZone made: same name, same CallerReference. */
  const findCreatedZone = async (domainName: string, callerReference: string, signal?: AbortSignal): Promise<ZoneInfo | null> => {
    for await (const zone of zonesNamed(domainName, signal)) {
      if (zone.CallerReference === callerReference) return getZone(bareId(zone.Id), signal);
    }
    return null;
  };

  /**
   * The public zones of that name, each with its CallerReference. The listing carries no name servers:
   * each zone is read with GetHostedZone, as `getZone` reads it (a zone deleted meanwhile is left out).
   */
  const findZonesByName = async (domainName: string, signal?: AbortSignal): Promise<ExistingZone[]> => {
    const found: ExistingZone[] = [];
    for await (const zone of zonesNamed(domainName, signal)) {
      if (zone.Config?.PrivateZone) continue;
      const info = await getZone(bareId(zone.Id), signal);
      if (info) found.push({ info, callerReference: zone.CallerReference ?? null });
    }
    return found;
  };

  const readRecordSet = async (zone: ZoneInfo, name: string, type: string, signal?: AbortSignal): Promise<RecordSet | null> => {
    const out = await sendWithRetry<ListResourceRecordSetsCommandOutput>(
      ctx,
      'ListResourceRecordSets',
      (sdk) =>
        new sdk.ListResourceRecordSetsCommand({
          HostedZoneId: zone.hostedZoneId,
          StartRecordName: name,
          StartRecordType: type as RRType,
          MaxItems: 1,
        }),
      { safeToResend: true, signal },
    );
    const first = out.ResourceRecordSets?.[0];
    if (!first) return null;
    const set = fromRoute53RecordSet(first);
    return set.name === name.toLowerCase() && set.type === type ? set : null;
  };

  /** ListResourceRecordSets page after page from `start`, one page in memory at a time. */
  async function* pages(zone: ZoneInfo, maxItems: number, first: { StartRecordName?: string; StartRecordType?: RRType }, signal?: AbortSignal): AsyncGenerator<RecordSet> {
    let start: { StartRecordName?: string; StartRecordType?: RRType; StartRecordIdentifier?: string } = first;
    for (;;) {
      const params = start;
      const page = await sendWithRetry<ListResourceRecordSetsCommandOutput>(
        ctx,
        'ListResourceRecordSets',
        (sdk) => new sdk.ListResourceRecordSetsCommand({ HostedZoneId: zone.hostedZoneId, MaxItems: maxItems, ...params }),
        { safeToResend: true, signal },
      );
      for (const rrset of page.ResourceRecordSets ?? []) yield fromRoute53RecordSet(rrset);
      if (!page.IsTruncated || !page.NextRecordName) return;
      start = {
        StartRecordName: page.NextRecordName,
        ...(page.NextRecordType ? { StartRecordType: page.NextRecordType } : {}),
        ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
      };
    }
  }

  return {
    async createOrImportZone(input, options) {
      const signal = options?.signal;
      // Resending is safe: Route 53 deduplicates by CallerReference, so a resend after a lost answer
      // gets HostedZoneAlreadyExists, which then means an earlier attempt created the zone. That
      // earlier attempt may also be a call of a process that died before it recorded the zone: the
      // caller reuses the caller reference it noted, so the first attempt adopts the zone as well.
      return withRetry(
        async () => {
          try {
            const out = await sendOnce<CreateHostedZoneCommandOutput>(
              ctx,
              'CreateHostedZone',
              (sdk) =>
                new sdk.CreateHostedZoneCommand({
                  Name: input.domainName,
                  CallerReference: input.callerReference,
                  ...(input.comment !== undefined ? { HostedZoneConfig: { Comment: input.comment, PrivateZone: false } } : {}),
                }),
              signal,
            );
            return zoneInfoOf(out);
          } catch (e) {
            if (isProviderCallError(e) && e.providerCode === 'HostedZoneAlreadyExists') {
              const created = await findCreatedZone(input.domainName, input.callerReference, signal);
              if (created) return created;
            }
            throw e;
          }
        },
        retryOptionsOf(ctx.policy, { safeToResend: true, signal }),
      );
    },
    findCreatedZone: (input, options) => findCreatedZone(input.domainName, input.callerReference, options?.signal),
    findZonesByName: (domainName, options) => findZonesByName(domainName, options?.signal),
    getZone: (hostedZoneId, options) => getZone(hostedZoneId, options?.signal),
    /**
     * Pages lazily from the window's start (StartRecordName/Type, which Route 53 treats as
     * inclusive: the window skips the start key itself); a consumer that stops early, or a window
     * `limit` reached, reads no further page. With a `limit`, pages are no larger than it needs.
     */
    listRecordSets(zone, options) {
      const limitPage = options?.limit === undefined ? Infinity : options.limit + 1;
      const maxItems = Math.max(1, Math.min(options?.pageSize ?? defaultPageSize, defaultPageSize, limitPage));
      const from = options?.startAfter;
      const first: { StartRecordName?: string; StartRecordType?: RRType } = from
        ? { StartRecordName: from.name, ...(ROUTE53_RECORD_TYPES.has(from.type) ? { StartRecordType: from.type as RRType } : {}) }
        : {};
      return windowInOrder(pages(zone, maxItems, first, options?.signal), options);
    },
    getRecordSet: (zone, name, type, options) => readRecordSet(zone, name, type, options?.signal),
    applyChanges: (zone, changes, options) =>
      applyRoute53Changes(ctx, zone, changes, (name, type) => readRecordSet(zone, name, type, options?.signal), options?.signal),
    // Batches depend only on the changes (Route 53's declared limits): nothing to read.
    planChanges: async (_zone, changes) => planRoute53Changes(changes),
    async deleteZone(zone, options) {
      try {
        await sendWithRetry(ctx, 'DeleteHostedZone', (sdk) => new sdk.DeleteHostedZoneCommand({ Id: zone.hostedZoneId }), {
          safeToResend: true,
          signal: options?.signal,
        });
      } catch (e) {
        if (isProviderCallError(e) && e.kind === 'not-found') return;
        throw e;
      }
    },
  };
}
