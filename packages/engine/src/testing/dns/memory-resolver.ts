import { parseTxtStrings } from '../../dns/records/txt.js';
import type { DnsResolver } from '../../ports/dns.js';
import type { MemoryDnsProvider } from './memory-dns-provider.js';

/** The resolver port over memory DNS providers, for engine tests. */
export interface MemoryResolver extends DnsResolver {
  /** Names queried, in order. */
  readonly queries: string[];
}

/**
 * Answers TXT from the zones the given memory DNS providers hold, so what the engine wrote is
 * what resolves; a name no zone holds answers [] like NXDOMAIN.
 */
export function createMemoryResolver(zones: readonly Pick<MemoryDnsProvider, 'lookup'>[]): MemoryResolver {
  const queries: string[] = [];
  return {
    queries,
    async resolveTxt(name) {
      queries.push(name);
      const fqdn = `${name.toLowerCase().replace(/\.$/, '')}.`;
      return zones.flatMap((z) => z.lookup(fqdn, 'TXT')).flatMap((set) => set.values.map((v) => parseTxtStrings(v) ?? [v]));
    },
  };
}
