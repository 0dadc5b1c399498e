import { parseTxtStrings } from '../../dns/records/txt.js';
import type { DnsResolver, RecordSet } from '../../ports/dns.js';

/**
 * In-memory resolver for engine tests: answers TXT from the zones of the providers given (anything
 * with `lookup`), plus static answers set by tests. Unknown names answer [] like NXDOMAIN.
 */
export interface SandboxResolverState {
  readonly records: Readonly<Record<string, string[][]>>;
}

export interface SandboxResolver extends DnsResolver {
  /** Set a static TXT answer for `name` (no trailing dot needed); `[]` clears it. */
  setTxt(name: string, records: string[][]): void;
  snapshot(): SandboxResolverState;
  restore(state: SandboxResolverState): void;
  /** Names queried, in order. */
  readonly queries: string[];
}

export interface SandboxResolverOptions {
  /** Stand-ins whose zones answer (anything with `lookup(fqdn, type)`). */
  readonly zones?: readonly { lookup(fqdn: string, type: string): RecordSet[] }[];
}

const fqdnOf = (name: string) => `${name.toLowerCase().replace(/\.$/, '')}.`;

export function createSandboxResolver(options: SandboxResolverOptions = {}): SandboxResolver {
  let records: Record<string, string[][]> = {};
  const queries: string[] = [];
  return {
    queries,
    async resolveTxt(name) {
      queries.push(name);
      const fqdn = fqdnOf(name);
      const fromZones = (options.zones ?? []).flatMap((z) => z.lookup(fqdn, 'TXT')).flatMap((set) => set.values.map((v) => parseTxtStrings(v) ?? [v]));
      return [...(records[fqdn] ?? []).map((r) => [...r]), ...fromZones];
    },
    setTxt(name, txt) {
      const fqdn = fqdnOf(name);
      if (txt.length === 0) delete records[fqdn];
      else records[fqdn] = txt.map((r) => [...r]);
    },
    snapshot: () => ({ records: JSON.parse(JSON.stringify(records)) as Record<string, string[][]> }),
    restore(state) {
      records = JSON.parse(JSON.stringify(state.records)) as Record<string, string[][]>;
    },
  };
}
