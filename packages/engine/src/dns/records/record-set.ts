import { validationFailed, type ValidationIssue } from '../../errors/index.js';
import { WRITABLE_RECORD_TYPES, type RecordSet, type WritableRecordType } from '../../ports/dns.js';
import { checkAlias, checkProxied, PROXIED_TTL, type RecordZone } from './alias-item.js';
import { normalizeRecordName } from './names.js';
import { normalizeRecordValue } from './values.js';

/**
 * The one place a record set from a request becomes canonical (see docs/records.md). Services, tests and
 * adapters all go through `normalizeRecordSet` / `parseRecordsRequest`; nothing else interprets
 * record input.
 */

/** One record item as it arrives (single form or one element of `records`). */
export interface RecordItemInput {
  readonly recordName?: unknown;
  readonly recordType?: unknown;
  readonly values?: unknown;
  readonly ttl?: unknown;
  /** Route 53 zones: an alias target instead of `values` (docs/records.md#alias-items). */
  readonly alias?: unknown;
  /** Cloudflare zones: whether the record is proxied (default false). */
  readonly proxied?: unknown;
}

export const DEFAULT_TTL = 300;
export const MAX_TTL = 86_400;
export const MAX_VALUES = 100;
export const MAX_BATCH = 10_000;

const TYPE_LIST = WRITABLE_RECORD_TYPES.join(', ');

function at(prefix: string, field: string): string {
  return prefix === '' ? field : `${prefix}.${field}`;
}

export interface CheckOptions {
  /** DELETE ignores `ttl` (see docs/records.md). */
  readonly ignoreTtl?: boolean;
  /**
   * The zone written to: `alias` needs a Route 53 zone, `proxied` a Cloudflare one. Without it both
   * fields are refused.
   */
  readonly zone?: RecordZone;
}

/** Validate and normalise one item; never throws. Issues carry paths under `prefix`. */
export function checkRecordItem(
  raw: unknown,
  zoneDomain: string,
  prefix = '',
  options: CheckOptions = {},
): { set: RecordSet | null; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const add = (field: string, message: string) => issues.push({ path: field === '' ? prefix || 'body' : at(prefix, field), message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    add('', 'must be an object');
    return { set: null, issues };
  }
  const item = raw as RecordItemInput;

  let name: string | null = null;
  if (item.recordName === undefined || item.recordName === null) add('recordName', 'required');
  else if (typeof item.recordName !== 'string') add('recordName', 'must be a string');
  else {
    const r = normalizeRecordName(item.recordName, zoneDomain);
    if (r.ok) name = r.fqdn;
    else add('recordName', r.problem);
  }

  let type: WritableRecordType | null = null;
  if (item.recordType === undefined || item.recordType === null) add('recordType', 'required');
  else if (typeof item.recordType !== 'string') add('recordType', 'must be a string');
  else {
    const upper = item.recordType.toUpperCase();
    if (upper === 'NS' || upper === 'SOA') add('recordType', `${upper} records are managed automatically`);
    else if ((WRITABLE_RECORD_TYPES as readonly string[]).includes(upper)) type = upper as WritableRecordType;
    else add('recordType', `must be one of ${TYPE_LIST}`);
  }

  const hasAlias = item.alias !== undefined && item.alias !== null;
  let ttl: number | null = DEFAULT_TTL;
  // An alias has no TTL of its own: Route 53 answers with the target's.
  if (!options.ignoreTtl && !hasAlias && item.ttl !== undefined && item.ttl !== null) {
    if (typeof item.ttl !== 'number' || !Number.isInteger(item.ttl) || item.ttl < 1 || item.ttl > MAX_TTL) {
      add('ttl', `must be an integer between 1 and ${MAX_TTL}`);
      ttl = null;
    } else ttl = item.ttl;
  }

  let proxied: boolean | null = null;
  if (item.proxied !== undefined && item.proxied !== null) proxied = checkProxied(item.proxied, type, options.zone, add);

  if (hasAlias) {
    if (item.values !== undefined && item.values !== null) add('alias', 'give either values or alias, not both');
    const alias = checkAlias(item.alias, name, type, zoneDomain, options.zone, add);
    if (issues.length > 0 || name === null || type === null || alias === null) return { set: null, issues };
    return { set: { name, type, ttl: null, values: [alias.dnsName], alias }, issues };
  }

  const values: string[] = [];
  let valuesOk = false;
  if (item.values === undefined || item.values === null) add('values', 'required');
  else if (!Array.isArray(item.values)) add('values', 'must be an array of strings');
  else if (item.values.length < 1 || item.values.length > MAX_VALUES) add('values', `must have between 1 and ${MAX_VALUES} values`);
  else {
    valuesOk = true;
    item.values.forEach((v: unknown, i: number) => {
      if (typeof v !== 'string') {
        add(`values[${i}]`, 'must be a string');
        valuesOk = false;
        return;
      }
      if (type === null) return;
      const r = normalizeRecordValue(type, v);
      if (r.ok) values.push(r.wire);
      else {
        add(`values[${i}]`, r.problem);
        valuesOk = false;
      }
    });
    if (valuesOk && type === 'CNAME' && values.length !== 1) {
      add('values', 'CNAME takes exactly one value');
      valuesOk = false;
    }
    if (valuesOk) {
      const seen = new Set<string>();
      for (const v of values) {
        if (seen.has(v)) {
          add('values', `duplicate value "${v}"`);
          valuesOk = false;
          break;
        }
        seen.add(v);
      }
    }
  }

  if (issues.length > 0 || name === null || type === null || !valuesOk || ttl === null) return { set: null, issues };
  // A Cloudflare set says whether it is proxied (false unless asked); a proxied one has the automatic TTL.
  if (options.zone?.provider === 'cloudflare') {
    return { set: proxied ? { name, type, ttl: PROXIED_TTL, values, proxied: true } : { name, type, ttl, values, proxied: false }, issues };
  }
  return { set: { name, type, ttl, values }, issues };
}

/**
 * Normalise one record item against its zone (`example.com`, no trailing dot) into the canonical
 * `RecordSet`, or throw 400 `Validation failed` with every issue. Idempotent: normalising a
 * canonical set (`recordName` = its name, `values` = its wire forms) returns it unchanged.
 */
export function normalizeRecordSet(item: RecordItemInput, zoneDomain: string, options: CheckOptions = {}): RecordSet {
  const { set, issues } = checkRecordItem(item, zoneDomain, '', options);
  if (!set) throw validationFailed(issues);
  return set;
}

/** A records request (see docs/records.md): the documented single form, or `{ records: [...] }`. */
export interface RecordsRequest {
  /** True for the batch form (responses then carry `count` and an array). */
  readonly batch: boolean;
  readonly sets: RecordSet[];
}

/**
 * Validate a whole records body before any provider call: single or batch form, 1–10 000 items,
 * no name+type twice. Throws 400 `Validation failed` listing every issue.
 */
export function parseRecordsRequest(raw: unknown, zoneDomain: string, options: CheckOptions = {}): RecordsRequest {
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (!('records' in body) || body.records === undefined) {
    return { batch: false, sets: [normalizeRecordSet(body, zoneDomain, options)] };
  }
  const items = body.records;
  if (!Array.isArray(items)) throw validationFailed([{ path: 'records', message: 'must be an array' }]);
  if (items.length < 1 || items.length > MAX_BATCH) {
    throw validationFailed([{ path: 'records', message: `must contain between 1 and ${MAX_BATCH} items` }]);
  }
  const issues: ValidationIssue[] = [];
  const sets: RecordSet[] = [];
  const seen = new Set<string>();
  items.forEach((item: unknown, i: number) => {
    const r = checkRecordItem(item, zoneDomain, `records[${i}]`, options);
    issues.push(...r.issues);
    if (!r.set) return;
    const key = `${r.set.name} ${r.set.type}`;
    if (seen.has(key)) issues.push({ path: `records[${i}]`, message: `duplicate record set ${key}` });
    seen.add(key);
    sets.push(r.set);
  });
  if (issues.length > 0) throw validationFailed(issues);
  return { batch: true, sets };
}

/** Whether two value lists are equal as sets (wire forms, order-insensitive; see docs/records.md). */
export function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((v) => set.has(v)) && new Set(b).size === set.size;
}
