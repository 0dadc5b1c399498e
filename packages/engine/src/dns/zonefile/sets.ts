import { validationFailed, type ValidationIssue } from '../../errors/index.js';
import type { RecordSet } from '../../ports/dns.js';
import type { RecordZone } from '../records/alias-item.js';
import { checkRecordItem } from '../records/record-set.js';
import { absoluteName, parseZoneFile, ZoneFileSyntaxError, type ZoneFileRecord, type ZoneFileToken } from './parse.js';

/**
 * A parsed zone file → the record sets to upsert (see docs/records.md#zone-files): records grouped by
 * name and type in file order, each set checked by the same record rules as `POST …/records`
 * (`checkRecordItem`), every problem naming its line.
 */

/** The comment that marks a Cloudflare proxied record (written by the export, honoured by the import). */
export const PROXIED_ANNOTATION = 'cloudlink:proxied';

/** Most records (lines with values) a file may hold. */
export const ZONE_FILE_MAX_RECORDS = 100_000;

/** Most problems one answer lists: the first ones are enough to fix a file. */
const MAX_ISSUES = 100;

export interface ParsedZoneFile {
  /** The sets to upsert, in file order (first line of each). */
  readonly sets: RecordSet[];
  /** The first line of each set (same order), for problems found later (e.g. CNAME exclusivity). */
  readonly lines: number[];
  /** Apex SOA and NS records: the provider's own, skipped. */
  readonly skipped: number;
}

/** Rdata positions holding a domain name, per type: relative ones are resolved against the origin. */
const NAME_AT: Readonly<Record<string, { count: number; at: number }>> = {
  CNAME: { count: 1, at: 0 },
  PTR: { count: 1, at: 0 },
  MX: { count: 2, at: 1 },
  SRV: { count: 4, at: 3 },
};

/** A quoted token as written (its escapes kept); a plain one as is. */
const spell = (t: ZoneFileToken) => (t.quoted ? `"${t.text}"` : t.text);

/** The value as the record rules read it (`10 mail.example.com.`, `"a" "b"`, …). */
function valueOf(record: ZoneFileRecord): string {
  const { rdata, type } = record;
  // Every TXT string quoted: an unquoted one cannot hold `"` (the reader stops there) nor a blank.
  if (type === 'TXT') return rdata.map((t) => `"${t.text}"`).join(' ');
  const names = NAME_AT[type];
  if (names && rdata.length === names.count && !rdata[names.at]!.quoted) {
    const target = rdata[names.at]!.text;
    const resolved = target === '.' ? '.' : absoluteName(target, record.origin);
    return rdata.map((t, k) => (k === names.at ? resolved : spell(t))).join(' ');
  }
  return rdata.map(spell).join(' ');
}

interface Group {
  readonly name: string;
  readonly type: string;
  readonly ttl: number | null;
  readonly line: number;
  readonly proxied: boolean;
  readonly values: string[];
  readonly valueLines: number[];
}

/**
 * Parse and check a whole file against its zone (`example.com`, no trailing dot). Throws 400
 * `Validation failed` with path `zoneFile` and messages starting `line N:`.
 */
export function zoneFileToRecordSets(text: string, zoneDomain: string, zone: RecordZone): ParsedZoneFile {
  const apex = `${zoneDomain}.`;
  let records: ZoneFileRecord[];
  try {
    records = parseZoneFile(text, { origin: apex, maxRecords: ZONE_FILE_MAX_RECORDS });
  } catch (e) {
    if (e instanceof ZoneFileSyntaxError) throw validationFailed([{ path: 'zoneFile', message: e.message }]);
    throw e;
  }
  const issues: ValidationIssue[] = [];
  const add = (line: number, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push({ path: 'zoneFile', message: `line ${line}: ${message}` });
  };
  const groups = new Map<string, Group>();
  let skipped = 0;
  for (const r of records) {
    // The provider keeps its own SOA and apex NS; a file from elsewhere carries them too.
    if (r.type === 'SOA' || (r.type === 'NS' && r.name === apex)) {
      skipped++;
      continue;
    }
    const proxied = zone.provider === 'cloudflare' && r.comment.split(/\s+/).includes(PROXIED_ANNOTATION);
    const key = `${r.name} ${r.type}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { name: r.name, type: r.type, ttl: r.ttl, line: r.line, proxied, values: [valueOf(r)], valueLines: [r.line] });
      continue;
    }
    // RFC 2181 §5.2: the records of one set share a TTL.
    if (group.ttl !== r.ttl) add(r.line, `TTL ${r.ttl ?? 'none'} differs from ${group.ttl ?? 'none'} of the same ${r.type} set at line ${group.line}`);
    else if (group.proxied !== proxied) add(r.line, `every record of a set is ${PROXIED_ANNOTATION} or none (see line ${group.line})`);
    group.values.push(valueOf(r));
    group.valueLines.push(r.line);
  }
  const sets: RecordSet[] = [];
  const lines: number[] = [];
  for (const g of groups.values()) {
    const item = {
      recordName: g.name,
      recordType: g.type,
      values: g.values,
      ...(g.ttl === null ? {} : { ttl: g.ttl }),
      ...(g.proxied ? { proxied: true } : {}),
    };
    const checked = checkRecordItem(item, zoneDomain, '', { zone });
    for (const issue of checked.issues) {
      const valueAt = /^values\[(\d{1,6})\]$/.exec(issue.path);
      const line = valueAt ? (g.valueLines[Number(valueAt[1])] ?? g.line) : g.line;
      add(line, `${g.type} ${issue.path === 'body' ? '' : `${issue.path} `}${issue.message}`);
    }
    if (checked.set) {
      sets.push(checked.set);
      lines.push(g.line);
    }
  }
  if (issues.length > 0) throw validationFailed(issues);
  return { sets, lines, skipped };
}
