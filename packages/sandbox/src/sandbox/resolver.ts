import { parseTxtStrings } from '@cloudlink/engine';
import type { DnsResolver } from '@cloudlink/engine';
import type { FakeCloudflare } from '../fakes/cloudflare.js';
import type { FakeRoute53 } from '../fakes/route53.js';

/** Static TXT answers set by tests, by absolute lower-case name. */
export interface SandboxResolverState {
  readonly records: Readonly<Record<string, string[][]>>;
}

/** A source of TXT answers: the record sets a fake holds for a name (wire-form values). */
export interface TxtSource {
  txtValues(fqdn: string): string[];
}

/** The TXT sets the Route 53 and Cloudflare fakes hold: what was written through the real providers resolves. */
export function fakeZoneTxtSources(route53: Pick<FakeRoute53, 'lookup'>, cloudflare: Pick<FakeCloudflare, 'lookup'>): TxtSource[] {
  return [
    { txtValues: (fqdn) => route53.lookup(fqdn, 'TXT').flatMap((s) => s.values) },
    { txtValues: (fqdn) => cloudflare.lookup(fqdn, 'TXT').flatMap((r) => (r.content !== undefined ? [r.content] : [])) },
  ];
}

export interface SandboxResolver extends DnsResolver {
  /** Set a static TXT answer for `name` (no trailing dot needed); `[]` clears it. */
  setTxt(name: string, records: string[][]): void;
  snapshot(): SandboxResolverState;
  restore(state: SandboxResolverState): void;
  /** Names queried, in order. */
  readonly queries: string[];
}

const fqdnOf = (name: string): string => `${name.toLowerCase().replace(/\.$/, '')}.`;

/**
 * The sandbox's DNS: TXT answers come from the zones the fakes hold (what was written through the
 * real providers is what resolves), plus static answers set by tests. Unknown names answer [] like
 * NXDOMAIN.
 */
export function createSandboxResolver(sources: readonly TxtSource[] = []): SandboxResolver {
  let records: Record<string, string[][]> = {};
  const queries: string[] = [];
  return {
    queries,
    async resolveTxt(name) {
      queries.push(name);
      const fqdn = fqdnOf(name);
      const fromZones = sources.flatMap((s) => s.txtValues(fqdn)).map((v) => parseTxtStrings(v) ?? [v]);
      return [...(records[fqdn] ?? []).map((r) => [...r]), ...fromZones];
    },
    setTxt(name, txt) {
      const fqdn = fqdnOf(name);
      if (txt.length === 0) delete records[fqdn];
      else records[fqdn] = txt.map((r) => [...r]);
    },
    snapshot: () => ({ records: structuredClone(records) }),
    restore(state) {
      records = structuredClone(state.records) as Record<string, string[][]>;
    },
  };
}
