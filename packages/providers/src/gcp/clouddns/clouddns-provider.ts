import { createWindowSelector, isProviderCallError, trimTrailingSlashes, withRetry, withoutRootDot } from '@cloudlink/engine';
import type { ChangeOutcome, DnsAuth, DnsProvider, DnsSession, PlannedProviderCall, ReadBackVerdict, RecordChange, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { capabilitiesOf, resolveCallPolicy, retryOptionsOf, withApplyProgress } from '../../shared/index.js';
import type { CallPolicyOptions } from '../../shared/index.js';
import { CHANGES_CALL, planCloudDnsChanges, sameSet } from './clouddns-batches.js';
import type { ChangeCall, CloudDnsPlan } from './clouddns-batches.js';
import { cloudDnsAttempt, cloudDnsCall } from './clouddns-call.js';
import type { CloudDnsCallContext } from './clouddns-call.js';
import { CLOUDDNS_FEATURES, fromRrset, labelValue, managedZoneNameFor, rrsetKey } from './clouddns-records.js';
import type { CloudDnsManagedZone, CloudDnsRrset } from './clouddns-records.js';

/*
 * Why REST and not `@google-cloud/dns`: the official client (5.x) brings its own retry stack
 * (retry-request/gaxios) and assumes https Google endpoints, while every provider here must run the
 * one retry policy with read-back before resending a write (docs/batching.md), take a fresh token
 * from the engine's TokenSource per request, reach a configured endpoint (sandbox fakes on http) and
 * go through the shared HTTP layer (deadline, no redirects, status → kind, Retry-After, redaction).
 * Cloud DNS v1 is a small JSON API, so the REST calls are made directly through that layer.
 */

export const DEFAULT_CLOUDDNS_BASE_URL = 'https://dns.googleapis.com';

/** Options of {@link createCloudDnsProvider}. Every field has a production default. */
export interface CloudDnsProviderOptions extends CallPolicyOptions {
  /** API origin (the `/dns/v1/…` paths go below it); default `CLOUDLINK_GCP_DNS_URL`, else `https://dns.googleapis.com`. */
  readonly baseUrl?: string;
  /** `rrsets.list` page size (`maxResults`), 1–1000; default 1000. */
  readonly pageSize?: number;
  /** The fetch every call goes through (proxies, an in-process fake); default the global one. */
  readonly fetch?: typeof fetch;
  /** Where the env defaults are read; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Above this many touched keys a write reads the zone once instead of once per key (see docs/batching.md). */
const TARGETED_READ_LIMIT = 20;

/**
 * GCP Cloud DNS as a DnsProvider over its REST API v1 (`managedZones`, `rrsets`, `changes`), with
 * the bearer token of the linked GCP connection (workload identity federation; the engine's
 * TokenSource, asked before each request). Writes are Cloud DNS changes (atomic additions and
 * deletions), split by the declared limits of {@link CLOUDDNS_FEATURES}.
 */
export function createCloudDnsProvider(options: CloudDnsProviderOptions = {}): DnsProvider {
  const policy = resolveCallPolicy(options);
  const env = options.env ?? process.env;
  const baseUrl = trimTrailingSlashes(options.baseUrl ?? env.CLOUDLINK_GCP_DNS_URL ?? DEFAULT_CLOUDDNS_BASE_URL);
  if (!/^https?:\/\/[^/]+/.test(baseUrl)) throw new TypeError('clouddns: baseUrl must be an http(s) URL');
  const pageSize = options.pageSize ?? CLOUDDNS_FEATURES.defaultPageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > CLOUDDNS_FEATURES.maxPageSize) {
    throw new TypeError(`clouddns: pageSize must be an integer 1–${CLOUDDNS_FEATURES.maxPageSize}`);
  }
  return {
    id: 'clouddns',
    capabilities: capabilitiesOf(CLOUDDNS_FEATURES),
    session(auth: DnsAuth): DnsSession {
      if (auth.provider !== 'clouddns') throw new TypeError('clouddns: session needs a GCP project and token source');
      if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(auth.projectId)) throw new TypeError('clouddns: projectId is not a GCP project id');
      return createCloudDnsSession(
        { policy, projectUrl: `${baseUrl}/dns/v1/projects/${auth.projectId}`, accessToken: auth.accessToken, ...(options.fetch ? { fetch: options.fetch } : {}) },
        pageSize,
      );
    },
  };
}

const zonePath = (zone: string): string => `/managedZones/${encodeURIComponent(zone)}`;

function zoneInfoOf(zone: CloudDnsManagedZone): ZoneInfo {
  return {
    hostedZoneId: zone.name,
    domainName: withoutRootDot(zone.dnsName.toLowerCase()),
    // Cloud DNS names its servers absolutely (`ns-cloud-a1.googledomains.com.`); zones list them without the root dot.
    nameServers: (zone.nameServers ?? []).map(withoutRootDot),
  };
}

/** At most this much of the caller's comment goes into the description (Cloud DNS allows 1 024 characters). */
const MAX_COMMENT = 900;

function createCloudDnsSession(ctx: CloudDnsCallContext, defaultPageSize: number): DnsSession {
  const getZone = async (name: string, signal?: AbortSignal): Promise<CloudDnsManagedZone | null> => {
    try {
      return (await cloudDnsCall(ctx, { call: 'managedZones.get', method: 'GET', path: zonePath(name) }, { safeToResend: true, signal })) as unknown as CloudDnsManagedZone;
    } catch (e) {
      if (isProviderCallError(e) && e.kind === 'not-found') return null;
      throw e;
    }
  };

  /** `rrsets.list` page after page (`pageToken`), one page in memory at a time. */
  async function* rrsetPages(zone: string, query: { name?: string; type?: string; maxResults: number }, signal?: AbortSignal): AsyncGenerator<CloudDnsRrset[]> {
    let pageToken: string | undefined;
    for (;;) {
      const page = await cloudDnsCall(
        ctx,
        { call: 'rrsets.list', method: 'GET', path: `${zonePath(zone)}/rrsets`, query: { ...query, pageToken } },
        { safeToResend: true, signal },
      );
      const rrsets = Array.isArray(page.rrsets) ? (page.rrsets as CloudDnsRrset[]) : [];
      yield rrsets;
      if (typeof page.nextPageToken !== 'string' || page.nextPageToken === '') return;
      pageToken = page.nextPageToken;
    }
  }

  const readRrset = async (zone: string, name: string, type: string, signal?: AbortSignal): Promise<CloudDnsRrset | null> => {
    const key = rrsetKey(name, type);
    for await (const page of rrsetPages(zone, { name: key.slice(0, key.lastIndexOf(' ')), type, maxResults: 1 }, signal)) {
      const found = page.find((r) => rrsetKey(r.name, r.type) === key);
      if (found) return found;
    }
    return null;
  };

  /** What Cloud DNS holds now for each key: one targeted read per key, or one streamed pass over the zone for many keys. */
  const readHeld = async (zone: string, keys: ReadonlySet<string>, signal?: AbortSignal): Promise<Map<string, CloudDnsRrset | null>> => {
    const held = new Map<string, CloudDnsRrset | null>();
    if (keys.size <= TARGETED_READ_LIMIT) {
      for (const key of keys) {
        const at = key.lastIndexOf(' ');
        held.set(key, await readRrset(zone, key.slice(0, at), key.slice(at + 1), signal));
      }
      return held;
    }
    for (const key of keys) held.set(key, null);
    for await (const page of rrsetPages(zone, { maxResults: defaultPageSize }, signal)) {
      for (const rrset of page) {
        const key = rrsetKey(rrset.name, rrset.type);
        if (keys.has(key)) held.set(key, rrset);
      }
    }
    return held;
  };

  const plan = async (zone: ZoneInfo, changes: readonly RecordChange[], signal?: AbortSignal): Promise<CloudDnsPlan> => {
    const keys = new Set(changes.map((c) => rrsetKey(c.recordSet.name, c.recordSet.type)));
    const held = keys.size === 0 ? new Map<string, CloudDnsRrset | null>() : await readHeld(zone.hostedZoneId, keys, signal);
    return planCloudDnsChanges(changes, held);
  };

  /**
   * One `changes.create`. Cloud DNS applies a change whole or not at all, so after a 5xx/timeout
   * the first change of the call is read back: the set as the call leaves it → applied (its change
   * id lost with the answer); as it was before → resent; anything else → the failure stands.
   */
  const sendChange = async (zone: ZoneInfo, changes: readonly RecordChange[], built: CloudDnsPlan, call: ChangeCall, signal?: AbortSignal): Promise<{ changeId: string | null; status: string }> => {
    const witness = call.changes[0]!;
    const change = changes[witness]!;
    const before = built.before[witness] ?? null;
    const readBack = async (): Promise<ReadBackVerdict<Record<string, unknown>> | undefined> => {
      const now = await readRrset(zone.hostedZoneId, change.recordSet.name, change.recordSet.type, signal);
      const after = change.action === 'DELETE' ? now === null : now !== null && sameSet(now, change.recordSet);
      if (after) return { applied: true, value: { id: null, status: 'pending' } };
      const unchanged = before === null ? now === null : now !== null && sameSet(now, fromRrset(before));
      return unchanged ? { applied: false } : undefined;
    };
    const out = await cloudDnsCall(
      ctx,
      {
        call: CHANGES_CALL,
        method: 'POST',
        path: `${zonePath(zone.hostedZoneId)}/changes`,
        body: { kind: 'dns#change', additions: call.additions, deletions: call.deletions },
      },
      { safeToResend: false, signal, readBack },
    );
    return { changeId: typeof out.id === 'string' ? out.id : null, status: typeof out.status === 'string' ? out.status : 'pending' };
  };

  return {
    /**
     * Idempotent by name: the managed zone name is derived from the domain, so a resend after a lost
     * answer (or a retry by a process that died before recording the zone) gets `alreadyExists`, and
     * the zone of that name serving the same domain is the one an earlier attempt made.
     */
    async createOrImportZone(input, options) {
      const signal = options?.signal;
      const domain = withoutRootDot(input.domainName.toLowerCase());
      const name = managedZoneNameFor(domain);
      const comment = (input.comment ?? 'Managed by cloudlink').slice(0, MAX_COMMENT);
      const body = {
        kind: 'dns#managedZone',
        name,
        dnsName: `${domain}.`,
        description: `${comment} (cloudlink caller reference ${labelValue(input.callerReference)})`,
        visibility: 'public',
        labels: { 'managed-by': 'cloudlink', 'cloudlink-ref': labelValue(input.callerReference) },
      };
      return withRetry(
        async () => {
          try {
            // One attempt per round: this loop is the retry policy for the create.
            const zone = await cloudDnsAttempt(ctx, { call: 'managedZones.create', method: 'POST', path: '/managedZones', body }, signal);
            return zoneInfoOf(zone as unknown as CloudDnsManagedZone);
          } catch (e) {
            if (!isProviderCallError(e) || e.kind !== 'conflict') throw e;
            const existing = await getZone(name, signal);
            if (existing && withoutRootDot(existing.dnsName.toLowerCase()) === domain) return zoneInfoOf(existing);
            throw e;
          }
        },
        retryOptionsOf(ctx.policy, { safeToResend: true, signal }),
      );
    },
    async getZone(hostedZoneId, options) {
      const zone = await getZone(hostedZoneId, options?.signal);
      return zone ? zoneInfoOf(zone) : null;
    },
    /**
     * Cloud DNS does not list in Route 53 order (labels reversed, then type), so each page is
     * converted to canonical sets at once and fed to the shared window selector, which keeps the
     * `limit` smallest keys of the window (the whole zone without `limit`, bounded by Cloud DNS's
     * record sets per zone) and yields them in order once the zone is read.
     */
    async *listRecordSets(zone, options) {
      const maxResults = Math.max(1, Math.min(options?.pageSize ?? defaultPageSize, defaultPageSize));
      const selector = createWindowSelector<RecordSet>(options ?? {});
      for await (const page of rrsetPages(zone.hostedZoneId, { maxResults }, options?.signal)) {
        for (const rrset of page) {
          const set = fromRrset(rrset);
          selector.offer(set, set);
        }
      }
      for (const sets of selector.take()) yield* sets;
    },
    async getRecordSet(zone, name, type, options) {
      const rrset = await readRrset(zone.hostedZoneId, name, type, options?.signal);
      return rrset ? fromRrset(rrset) : null;
    },
    async applyChanges(zone, changes, options): Promise<ChangeOutcome[]> {
      const signal = options?.signal;
      const built = await plan(zone, changes, signal);
      const results = new Map<number, { changeId: string | null; status: string }>();
      for (const call of built.calls) {
        let result: { changeId: string | null; status: string };
        try {
          result = await sendChange(zone, changes, built, call, signal);
        } catch (e) {
          // Every change before this call went out whole in an earlier one (or needed nothing).
          throw withApplyProgress(e, call.start, changes.length);
        }
        for (const index of call.changes) results.set(index, result);
      }
      return changes.map((change, index): ChangeOutcome => {
        const result = results.get(index) ?? { changeId: null, status: 'done' };
        if (change.action === 'DELETE') return { ...result, recordSet: null };
        const held = built.before[index];
        return { ...result, recordSet: built.noop[index] && held ? fromRrset(held) : { name: change.recordSet.name, type: change.recordSet.type, ttl: change.recordSet.ttl, values: change.recordSet.values } };
      });
    },
    async planChanges(zone, changes, options): Promise<PlannedProviderCall[]> {
      const built = await plan(zone, changes, options?.signal);
      return built.calls.map((call) => ({ call: CHANGES_CALL, changes: call.changes }));
    },
    /** Gone already counts as done; Cloud DNS refuses a zone holding more than its apex NS/SOA (the engine empties it first). */
    async deleteZone(zone, options) {
      try {
        await cloudDnsCall(ctx, { call: 'managedZones.delete', method: 'DELETE', path: zonePath(zone.hostedZoneId) }, { safeToResend: true, signal: options?.signal });
      } catch (e) {
        if (isProviderCallError(e) && e.kind === 'not-found') return;
        throw e;
      }
    },
  };
}
