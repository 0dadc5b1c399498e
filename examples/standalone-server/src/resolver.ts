import { Resolver } from 'node:dns/promises';
import type { DnsResolver } from '@cloudlink/engine';

/**
 * The engine's DNS resolver port on node:dns: the system resolvers, or `CLOUDLINK_DNS_RESOLVERS`.
 * Every failure (NXDOMAIN, no data, SERVFAIL, timeout) is `[]`, as the port requires.
 */
export function createNodeDnsResolver(servers?: readonly { host: string; port: number }[]): DnsResolver {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers && servers.length > 0) {
    resolver.setServers(servers.map((s) => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`)));
  }
  return {
    async resolveTxt(name, options) {
      if (options?.signal?.aborted) return [];
      try {
        return await resolver.resolveTxt(name);
      } catch {
        return [];
      }
    },
  };
}
