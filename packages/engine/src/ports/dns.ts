import type { AccessToken, AwsCredentials } from './cloud.js';

/** Record types that can be written through the API (see docs/records.md); NS and SOA are listed only. */
export const WRITABLE_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'PTR', 'CAA'] as const;
export type WritableRecordType = (typeof WRITABLE_RECORD_TYPES)[number];

/**
 * Route 53 alias target (see docs/records.md). Written only where the provider has
 * `capabilities.aliasRecords`; a set with `alias` has `ttl: null` and `values: [dnsName]`, and the
 * provider sends the alias instead of values.
 */
export interface AliasTarget {
  readonly hostedZoneId: string;
  readonly dnsName: string;
  readonly evaluateTargetHealth: boolean;
}

/**
 * One record set in the canonical form shared by every provider (see docs/records.md): `name` is the
 * lower-case FQDN with a trailing dot (`*` shown as `*`, never `\052`), `values` are wire forms
 * (`10 mail.example.com.`, `"v=spf1 -all"`, …). Provider implementations translate to and from this.
 */
export interface RecordSet {
  readonly name: string;
  readonly type: string;
  /** null for Route 53 alias sets. On Cloudflare `1` means automatic. */
  readonly ttl: number | null;
  readonly values: readonly string[];
  readonly alias?: AliasTarget;
  /**
   * Cloudflare only (`capabilities.proxy`): traffic goes through Cloudflare's proxy. Absent means
   * false (DNS-only, the default); providers list it only when true. Only A, AAAA and CNAME can be
   * proxied (anything else: `invalid-input`, Cloudflare error 9004). A proxied set's TTL is
   * Cloudflare's automatic `1`, whatever TTL was written: it is listed and returned in outcomes as
   * `1`, and a DELETE of a proxied set matches whatever TTL it names.
   */
  readonly proxied?: boolean;
  /** Weighted/latency/geo/failover/multivalue sets: listed, never changed here. */
  readonly routingPolicy?: boolean;
  /** Provider record ids (Cloudflare: one per value, same order); absent on Route 53. */
  readonly providerIds?: readonly string[];
  /**
   * Azure DNS only: the ETag the set was read with. A change carrying it is sent with `If-Match`
   * (a new set with `If-None-Match: *`), so a change someone else made since the read fails with
   * kind `conflict` instead of being overwritten. Never compared as part of the set's content.
   */
  readonly etag?: string;
}

/** The position of a record set in a listing: Route 53 order is by `name` (labels reversed), then `type`. */
export interface RecordSetKey {
  readonly name: string;
  readonly type: string;
}

/** Which part of a zone a listing yields (see `DnsSession.listRecordSets`). */
export interface RecordSetWindow {
  /** Only sets strictly after this key. */
  readonly startAfter?: RecordSetKey;
  /** Sets of these types are left out and do not count toward `limit`. */
  readonly skipTypes?: readonly string[];
  /**
   * The sets of at most this many distinct keys. Route 53 routing-policy variants share a key,
   * count once and are never split.
   */
  readonly limit?: number;
}

/** One change of a batch. UPSERT replaces the whole record set; DELETE must match it exactly. */
export interface RecordChange {
  readonly action: 'UPSERT' | 'DELETE';
  readonly recordSet: RecordSet;
}

/**
 * One provider call a list of changes would take (a dry run, see docs/records.md): the call's name
 * as a failure would name it (`ChangeResourceRecordSets`, `POST /zones/:id/dns_records/batch`,
 * `changes.create`, `RecordSets.createOrUpdate`, …) and which changes (indexes into the list, in
 * order) it carries. `applyChanges` of the same list against the same zone state makes exactly
 * these write calls, in this order.
 */
export interface PlannedProviderCall {
  readonly call: string;
  readonly changes: readonly number[];
}

/** Outcome of one change: the provider batch it went out in. */
export interface ChangeOutcome {
  /** Route 53 `ChangeInfo.Id` without `/change/`; null on Cloudflare. */
  readonly changeId: string | null;
  /** Route 53 status as returned (`PENDING`); Cloudflare `INSYNC`. */
  readonly status: string;
  /** The record set as the provider now holds it (Cloudflare: with its record ids); null after a DELETE. */
  readonly recordSet: RecordSet | null;
}

/**
 * The DNS services cloudlink writes to (see docs/records.md#zones): Route 53 and GCP Cloud DNS and
 * Azure DNS through the project's linked AWS, GCP or Azure connection, Cloudflare with a token.
 */
export const DNS_PROVIDER_IDS = ['route53', 'cloudflare', 'clouddns', 'azuredns'] as const;
export type DnsProviderId = (typeof DNS_PROVIDER_IDS)[number];

export interface ZoneInfo {
  /**
   * The provider's own id of the zone: Route 53 id without `/hostedzone/`; the Cloudflare zone id;
   * the Cloud DNS managed zone name; the Azure DNS zone's ARM resource id
   * (`/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/dnszones/<name>`).
   */
  readonly hostedZoneId: string;
  /** Lower-case, no trailing dot. */
  readonly domainName: string;
  readonly nameServers: readonly string[];
}

/**
 * A bearer token on demand. Providers call it before each request (never caching the token
 * themselves), so a long listing or a large batch outlives any one token; caching and refresh
 * belong to the source (the engine's per-connection cache).
 */
export type TokenSource = (options?: { signal?: AbortSignal }) => Promise<AccessToken>;

/**
 * What a zone is reached with: the linked AWS connection's assumed-role credentials; a Cloudflare
 * token; the linked GCP connection's service-account token (workload identity federation, no key)
 * and its project; the linked Azure connection's service-principal token, its subscription and the
 * resource group new zones go to.
 */
export type DnsAuth =
  | { readonly provider: 'route53'; readonly credentials: AwsCredentials }
  | { readonly provider: 'cloudflare'; readonly apiToken: string }
  | { readonly provider: 'clouddns'; readonly projectId: string; readonly accessToken: TokenSource }
  | { readonly provider: 'azuredns'; readonly subscriptionId: string; readonly resourceGroup: string; readonly accessToken: TokenSource };

export interface DnsProviderCapabilities {
  readonly recordTypes: readonly WritableRecordType[];
  /** Whether a CNAME may sit at the zone apex (Cloudflare flattens it; Route 53 refuses). */
  readonly apexCname: boolean;
  /** Route 53, Cloud DNS and Azure DNS create zones; Cloudflare only imports existing ones. */
  readonly createsZones: boolean;
  /** Whether record sets with `alias` can be written (Route 53). */
  readonly aliasRecords: boolean;
  /** Whether record sets can be `proxied` (Cloudflare; only A, AAAA and CNAME). */
  readonly proxy: boolean;
}

/** A zone that already exists at the provider, found by name (adoption, see docs/records.md#zones). */
export interface ExistingZone {
  readonly info: ZoneInfo;
  /** The CallerReference it was created with (Route 53), so a zone this product created is told apart. */
  readonly callerReference: string | null;
}

/**
 * A DNS provider, bound to credentials by `session(auth)`. Every method throws
 * `ProviderCallError` naming the provider call (`CreateHostedZone`, `ChangeResourceRecordSets`,
 * `GET /zones`, …); retries on throttling/transient failures (see docs/batching.md) happen inside.
 */
export interface DnsProvider {
  readonly id: DnsProviderId;
  readonly capabilities: DnsProviderCapabilities;
  session(auth: DnsAuth): DnsSession;
}

export interface DnsSession {
  /**
   * Route 53: CreateHostedZone (idempotent by `callerReference`: a resend after a timeout, or a new
   * call with the caller reference of a call that never returned, gets the zone that call created
   * while it still exists). Cloudflare: verify the token (`unauthorized` when refused), then find the zone
   * by exact name (`not-found` when none) — import only, never creates.
   */
  createOrImportZone(input: { domainName: string; callerReference: string; comment?: string }, options?: { signal?: AbortSignal }): Promise<ZoneInfo>;
  /**
   * Route 53 only (absent where the provider never creates zones): the zone a CreateHostedZone with
   * this caller reference made, while it still exists; null when that call never created one or
   * its zone is gone. A lookup: it never creates anything.
   */
  findCreatedZone?(input: { domainName: string; callerReference: string }, options?: { signal?: AbortSignal }): Promise<ZoneInfo | null>;
  /**
   * Route 53 only: the public hosted zones whose name is exactly `domainName` (ListHostedZonesByName,
   * paged), oldest listing order. Private zones are left out. A lookup: it never creates anything.
   */
  findZonesByName?(domainName: string, options?: { signal?: AbortSignal }): Promise<ExistingZone[]>;
  /** The zone as the provider holds it, or null when it is gone. */
  getZone(hostedZoneId: string, options?: { signal?: AbortSignal }): Promise<ZoneInfo | null>;
  /**
   * The record sets of the zone (NS and SOA included unless skipped), in Route 53 order: by name
   * with labels reversed, then type. Streams page by page; holds at most one provider page, except
   * where the provider cannot list in that order (Cloudflare): then it holds the `limit` smallest
   * keys of the window, or the whole zone without `limit`. `pageSize` caps the provider page.
   */
  listRecordSets(zone: ZoneInfo, options?: { signal?: AbortSignal; pageSize?: number } & RecordSetWindow): AsyncIterable<RecordSet>;
  /** The record set with exactly this name and type, or null (a targeted read). */
  getRecordSet(zone: ZoneInfo, name: string, type: string, options?: { signal?: AbortSignal }): Promise<RecordSet | null>;
  /**
   * Apply changes in request order, in as few provider calls as its limits allow, one batch at a
   * time. Returns one outcome per change. When batch k fails, earlier batches stay applied, later
   * ones are not sent, and the thrown ProviderCallError carries `progress`.
   */
  applyChanges(zone: ZoneInfo, changes: readonly RecordChange[], options?: { signal?: AbortSignal }): Promise<ChangeOutcome[]>;
  /**
   * The write calls `applyChanges(zone, changes)` would make now, computed the way it computes
   * them (one decision, shared by both). May read the zone (a provider whose batches depend on
   * what it holds, like Cloudflare's per-record operations); never writes.
   */
  planChanges(zone: ZoneInfo, changes: readonly RecordChange[], options?: { signal?: AbortSignal }): Promise<PlannedProviderCall[]>;
  /** Delete the hosted zone (Route 53, must be empty but for apex NS/SOA). Gone already counts as done. */
  deleteZone(zone: ZoneInfo, options?: { signal?: AbortSignal }): Promise<void>;
}

/** TXT lookups for sync's `_gateways_app` check. */
export interface DnsResolver {
  /** The TXT records of `name`, each as its list of strings; [] for NXDOMAIN, no data, SERVFAIL or timeout. */
  resolveTxt(name: string, options?: { signal?: AbortSignal }): Promise<string[][]>;
}
