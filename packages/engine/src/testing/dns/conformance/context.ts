import { afterEach, beforeEach, expect } from 'vitest';
import type { DnsAuth, DnsProvider, DnsSession, RecordChange, RecordSet, ZoneInfo } from '../../../ports/dns.js';
import { isProviderCallError, type ProviderCallError } from '../../../ports/provider-error.js';
import type { DnsBatchLimits } from '../memory-dns-provider.js';

/**
 * What the suite needs to make the provider under test fail, each through the provider's own
 * wire (an HTTP fake's answer, the memory provider's injection): the smallest set that reaches
 * every failure path of the port.
 */
export interface DnsFaults {
  /**
   * The next `times` provider calls (default 1) are throttled, with a Retry-After of this many
   * seconds from the provider clock's now: as delta-seconds, or as an HTTP-date where the wire has one.
   */
  throttleNext(retryAfterSeconds: number, times?: number, form?: 'seconds' | 'http-date'): void;
  /** The `k`-th change-batch call from now (1-based) is refused whole by the provider as invalid input. */
  failBatch(k: number): void;
  /** The credentials the session was opened with stop being accepted. */
  revokeCredentials(): void;
  /**
   * The credentials stay valid but the provider denies them the zone (an IAM policy without the
   * permission, a Cloudflare token not granted the zone: a 403, where revoked credentials get a
   * 401 or the provider's own "invalid token" answer). Absent only where the provider cannot tell
   * the two apart; then the `refused` case is skipped.
   */
  denyAccess?(): void;
  /** Change-batch calls sent so far. */
  batchCalls(): number;
}

/** One provider under test, with an empty zone it may write to. */
export interface DnsProviderUnderTest {
  readonly provider: DnsProvider;
  readonly auth: DnsAuth;
  /** A zone that exists at the provider and holds nothing but what the provider puts at the apex itself. */
  readonly zone: ZoneInfo;
  /** A well-formed zone id the provider has no zone for. */
  readonly missingZoneId: string;
  /** The provider's own declared limits (its constants, not numbers copied into the runner). */
  readonly batchLimits: DnsBatchLimits;
  readonly faults: DnsFaults;
  /**
   * Where the session has `findZonesByName`: put a zone at the provider as if made outside this
   * product (another caller reference, or a private zone), beside any zone of that name.
   */
  addExistingZone?(domainName: string, options: { callerReference: string; private: boolean }): Promise<void>;
  /** Every retry wait the provider's clock was asked for, in ms, in order. */
  readonly sleeps: readonly number[];
  /** The Retry-After, in seconds, above which the provider gives up at once instead of waiting. */
  readonly maxRetryAfterSeconds: number;
  close?(): Promise<void>;
}

export type CreateDnsProvider = () => Promise<DnsProviderUnderTest>;

/** The per-test state the cases read (set in `beforeEach`). */
export interface DnsConformanceContext {
  readonly under: DnsProviderUnderTest;
  readonly session: DnsSession;
  readonly zone: ZoneInfo;
  /** `label` under the zone: `www` → `www.<zone>.`; `@` → the apex. */
  name(label: string): string;
  /** The sets the suite wrote (apex NS/SOA and other provider-made sets left out), in listing order. */
  written(options?: Parameters<DnsSession['listRecordSets']>[1]): Promise<RecordSet[]>;
}

export function useDnsProvider(create: CreateDnsProvider): DnsConformanceContext {
  let current: { under: DnsProviderUnderTest; session: DnsSession } | null = null;
  beforeEach(async () => {
    const under = await create();
    current = { under, session: under.provider.session(under.auth) };
  });
  afterEach(async () => {
    await current?.under.close?.();
    current = null;
  });
  const get = () => {
    if (!current) throw new Error('the DNS conformance context is only available inside a test');
    return current;
  };
  return {
    get under() {
      return get().under;
    },
    get session() {
      return get().session;
    },
    get zone() {
      return get().under.zone;
    },
    name: (label) => (label === '@' ? `${get().under.zone.domainName}.` : `${label}.${get().under.zone.domainName}.`),
    async written(options) {
      const out: RecordSet[] = [];
      for await (const set of get().session.listRecordSets(get().under.zone, options)) if (!isApexInfrastructure(set, get().under.zone)) out.push(set);
      return out;
    },
  };
}

const isApexInfrastructure = (set: RecordSet, zone: ZoneInfo) => set.name === `${zone.domainName}.` && (set.type === 'NS' || set.type === 'SOA');

export const upsert = (recordSet: RecordSet): RecordChange => ({ action: 'UPSERT', recordSet });
export const remove = (recordSet: RecordSet): RecordChange => ({ action: 'DELETE', recordSet });

/** A record set in the suite's own form: the fields every provider must give back as written. */
export const plain = (s: RecordSet) => ({ name: s.name, type: s.type, ttl: s.ttl, values: [...s.values].sort() });

/** `plain` plus the alias target and the proxy status (absent and `false` are the same). */
export const full = (s: RecordSet) => ({ ...plain(s), alias: s.alias ?? null, proxied: s.proxied ?? false });

/** The ProviderCallError `promise` rejects with; success or any other error fails the test. */
export async function providerFailure(promise: Promise<unknown>): Promise<ProviderCallError> {
  const outcome = await promise.then(
    () => new Error('expected a ProviderCallError, but the call succeeded'),
    (e: unknown) => e,
  );
  if (!isProviderCallError(outcome)) throw outcome;
  return outcome;
}

/** How many single-value A UPSERTs (`host-<i>`) fit one batch under `limits`. */
export function upsertsPerBatch(limits: DnsBatchLimits): number {
  const perChange = limits.upsertWeight;
  const byValues = Math.floor(limits.valuesPerBatch / perChange);
  // `aSet` values are at most 12 characters (`10.0.255.255`).
  const byCharacters = limits.charactersPerBatch === undefined ? Infinity : Math.floor(limits.charactersPerBatch / (12 * perChange));
  const n = Math.min(byValues, byCharacters);
  expect(n).toBeGreaterThan(0);
  return n;
}

/** A distinct single-value A set per `i`. */
export const aSet = (ctx: DnsConformanceContext, i: number, ttl = 300): RecordSet => ({
  name: ctx.name(`host-${i}`),
  type: 'A',
  ttl,
  values: [`10.0.${Math.floor(i / 256) % 256}.${i % 256}`],
});
