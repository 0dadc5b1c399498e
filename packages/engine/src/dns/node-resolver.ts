import { Resolver } from 'node:dns/promises';
import type { DnsResolver } from '../ports/dns.js';

export interface NodeDnsResolverOptions {
  /**
   * Servers as `ip`, `ip:port` or `[ipv6]:port` (the parsed `CLOUDLINK_DNS_RESOLVERS`); default:
   * the system resolvers.
   */
  readonly servers?: readonly string[];
  /** Overall limit per lookup (5 s, so a slow resolver cannot hold a sync for long). */
  readonly timeoutMs?: number;
}

/**
 * The `DnsResolver` port on `node:dns`. Every failure — NXDOMAIN, no data, SERVFAIL,
 * refused, timeout, abort — answers `[]`: sync then reports `dns_active: false`, never an error.
 */
export function createNodeDnsResolver(options: NodeDnsResolverOptions = {}): DnsResolver {
  const timeoutMs = options.timeoutMs ?? 5000;
  const servers = options.servers && options.servers.length > 0 ? [...options.servers] : null;
  return {
    async resolveTxt(name, opts) {
      if (opts?.signal?.aborted) return [];
      // One Resolver per lookup so `cancel()` on timeout or abort cannot hit another caller's query.
      const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
      if (servers) resolver.setServers(servers);
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => resolver.cancel();
      opts?.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const lookup = resolver.resolveTxt(name);
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            resolver.cancel();
            reject(new Error('timeout'));
          }, timeoutMs);
        });
        return await Promise.race([lookup, deadline]);
      } catch {
        return [];
      } finally {
        if (timer) clearTimeout(timer);
        opts?.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
