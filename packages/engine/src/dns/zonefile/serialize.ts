import { WRITABLE_RECORD_TYPES, type RecordSet } from '../../ports/dns.js';
import { DEFAULT_TTL } from '../records/record-set.js';
import { PROXIED_ANNOTATION } from './sets.js';

/**
 * The canonical master-file form of the export (see docs/records.md#zone-files): one line per value,
 * `<name> <ttl> IN <type> <value>`, names relative to the zone where possible, values in their wire
 * form (TXT already quoted in strings of at most 255 characters), values of a set sorted so the same
 * zone always exports the same text.
 */

const WRITABLE = new Set<string>(WRITABLE_RECORD_TYPES);

/** The opening lines: `$ORIGIN` and `$TTL` (every record line still names its TTL). */
export function zoneFileHeader(zoneDomain: string, provider: string): string {
  return [
    `; Zone ${zoneDomain} (${provider}), exported by cloudlink.`,
    '; Apex SOA and NS are the provider\'s own: an import skips them. Lines starting ";;" are sets a zone file',
    '; cannot carry (alias, routing-policy or unsupported types): an import ignores them.',
    `$ORIGIN ${zoneDomain}.`,
    `$TTL ${DEFAULT_TTL}`,
    '',
  ].join('\n');
}

/** `www.example.com.` → `www`; the apex → `@`; a name outside the zone stays absolute. */
export function relativeOwner(name: string, apex: string): string {
  if (name === apex) return '@';
  return name.endsWith(`.${apex}`) ? name.slice(0, -(apex.length + 1)) : name;
}

/** The lines of one listed set, each ending with a newline. */
export function zoneFileLines(set: RecordSet, apex: string): string {
  const owner = relativeOwner(set.name, apex);
  if (set.alias) {
    const a = set.alias;
    return `;; alias ${owner} ${set.type} -> ${a.dnsName} (hostedZoneId ${a.hostedZoneId}, evaluateTargetHealth ${a.evaluateTargetHealth})\n`;
  }
  const values = [...set.values].sort();
  const ttl = set.ttl ?? DEFAULT_TTL;
  const apexOwn = set.name === apex && (set.type === 'SOA' || set.type === 'NS');
  if (set.routingPolicy || (!WRITABLE.has(set.type) && !apexOwn)) {
    const why = set.routingPolicy ? 'routing-policy' : 'unsupported';
    return values.map((v) => `;; ${why} ${owner} ${ttl} IN ${set.type} ${v}\n`).join('');
  }
  const note = set.proxied ? ` ; ${PROXIED_ANNOTATION}` : '';
  return values.map((v) => `${owner} ${ttl} IN ${set.type} ${v}${note}\n`).join('');
}
