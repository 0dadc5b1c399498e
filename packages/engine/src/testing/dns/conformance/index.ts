import { describe } from 'vitest';
import { useDnsProvider, type CreateDnsProvider, type DnsConformanceContext } from './context.js';
import { describeBatches } from './batches.js';
import { describeFailures } from './failures.js';
import { describeListing } from './listing.js';
import { describeRecordSets } from './records.js';
import { describeAliases } from './aliases.js';
import { describeProxied } from './proxied.js';
import { describeZonesByName } from './zones-by-name.js';

export type { CreateDnsProvider, DnsConformanceContext, DnsFaults, DnsProviderUnderTest } from './context.js';
export type { DnsBatchLimits } from '../memory-dns-provider.js';

export interface DnsProviderConformanceOptions {
  /** Shown in the test names, e.g. `route53 (HTTP fake)`. */
  readonly name: string;
  /** A provider with a fresh empty zone and its fault hooks, per test. */
  readonly create: CreateDnsProvider;
  /** Provider-specific cases, registered inside the suite's `describe` with the same per-test context. */
  readonly additionalTests?: (ctx: DnsConformanceContext) => void;
}

/**
 * The DnsProvider conformance suite: what the engine relies on from every DNS provider, checked
 * through the port alone. Record sets of every writable type (apex, wildcard, long TXT), UPSERT
 * replacing a whole set, exact-match DELETE, Route 53 listing order with paging and windows, batch
 * splitting at the provider's declared limits with progress on a part-applied list, Retry-After,
 * the failure kinds `not-found`, `unauthorized`, `refused`, `throttled`, `invalid-input`, and
 * the features a provider declares: alias sets (`aliasRecords`), proxied sets (`proxy`), zones by
 * name (`findZonesByName`).
 * Every provider, and the memory reference, must pass it.
 */
export function describeDnsProviderConformance(options: DnsProviderConformanceOptions): void {
  describe(`dns provider conformance: ${options.name}`, () => {
    const ctx = useDnsProvider(options.create);
    describeRecordSets(ctx);
    describeListing(ctx);
    describeBatches(ctx);
    describeFailures(ctx);
    describeAliases(ctx);
    describeProxied(ctx);
    describeZonesByName(ctx);
    options.additionalTests?.(ctx);
  });
}
