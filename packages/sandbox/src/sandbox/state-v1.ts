import type { FakeCfRecord } from '../fakes/cloudflare.js';
import type { SandboxState } from './providers.js';

/**
 * `sandbox.json` versions. Version 1 (before the sandbox ran the real providers) held the engine's
 * record sets per zone; version 2 holds each fake's own state (Route 53 record sets, Cloudflare
 * records in API form). A version 1 file is upgraded on load, so a sandbox keeps its zones.
 */

interface V1Set {
  name: string;
  type: string;
  ttl?: number | null;
  values: string[];
}
interface V1State {
  version?: number;
  route53?: { counter: number; zones: { id: string; name: string; callerReference: string; comment: string | null; nameServers: string[]; recordSets: V1Set[] }[] };
  cloudflare?: { counter: number; zones: { id: string; name: string; nameServers: string[]; entries: { id: string; name: string; type: string; ttl: number; value: string }[] }[] };
  resolver?: { records: Record<string, string[][]> };
}

const bare = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** One engine wire value → the Cloudflare record fields that carry it. */
function cloudflareFields(type: string, value: string): Pick<FakeCfRecord, 'content' | 'priority' | 'data'> {
  const parts = value.split(' ');
  switch (type) {
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { content: bare(value) };
    case 'MX':
      return { priority: Number(parts[0]), content: bare(parts[1] ?? '') };
    case 'SRV': {
      const [priority, weight, port, target] = parts;
      return { priority: Number(priority), content: `${weight} ${port} ${bare(target ?? '')}`, data: { priority: Number(priority), weight: Number(weight), port: Number(port), target: bare(target ?? '') } };
    }
    case 'CAA': {
      const [flags, tag] = parts;
      const caaValue = parts.slice(2).join(' ').replace(/^"|"$/g, '');
      return { content: value, data: { flags: Number(flags), tag, value: caaValue } };
    }
    default:
      return { content: value };
  }
}

/** Read a parsed `sandbox.json` of any known version as the current state. */
export function upgradeSandboxState(input: unknown): SandboxState {
  const state = (input ?? {}) as V1State & Partial<SandboxState>;
  if (state.version === 2) return state as SandboxState;
  if (state.version !== undefined && state.version !== 1) throw new TypeError(`unknown sandbox state version ${String(state.version)}`);
  const r53 = state.route53 ?? { counter: 0, zones: [] };
  const cf = state.cloudflare ?? { counter: 0, zones: [] };
  return {
    version: 2,
    route53: {
      serial: r53.counter,
      callerReferences: r53.zones.map((z) => z.callerReference),
      zones: r53.zones.map((z) => ({
        id: z.id,
        name: `${bare(z.name)}.`,
        callerReference: z.callerReference,
        ...(z.comment !== null ? { comment: z.comment } : {}),
        nameServers: z.nameServers,
        rrsets: z.recordSets.map((s) => ({ name: s.name, type: s.type, ...(s.ttl != null ? { ttl: s.ttl } : {}), values: s.values })),
      })),
    },
    cloudflare: {
      serial: cf.counter,
      tokens: {},
      zones: cf.zones.map((z) => ({
        id: z.id,
        name: bare(z.name),
        name_servers: z.nameServers,
        records: z.entries.map((e) => ({ id: e.id, name: bare(e.name), type: e.type, ttl: e.ttl, ...cloudflareFields(e.type, e.value) })),
      })),
    },
    resolver: { records: state.resolver?.records ?? {} },
  };
}
