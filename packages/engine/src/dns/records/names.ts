import { domainToASCII } from 'node:url';
import { dnsNameLength, MAX_NAME_LENGTH, tooLong } from './limits.js';

/**
 * DNS names: zone domain names, record names and hostnames inside values (docs/records.md). Every
 * function here is pure; the one canonical form is lower-case ASCII (IDN → punycode) and, for
 * record names and value hostnames, absolute with a trailing dot.
 */

const LABEL = /^[a-z0-9_-]{1,63}$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Lower-case and convert non-ASCII labels to punycode; null when a label cannot be converted. */
export function toAsciiLabels(name: string): string | null {
  // ASCII-only input keeps `_` and `*`, which IDNA processing would reject or map.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(name)) return name.toLowerCase();
  const labels = name.split('.');
  const out: string[] = [];
  for (const label of labels) {
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]*$/.test(label)) {
      out.push(label.toLowerCase());
      continue;
    }
    const ascii = domainToASCII(label);
    if (ascii === '' || ascii.includes('.')) return null;
    out.push(ascii);
  }
  return out.join('.');
}

/**
 * A zone's domain name: lower-cased, trailing dot removed, IDN → punycode; ≥ 2 labels,
 * each 1–63 of `[a-z0-9-]` not starting or ending with `-`, total ≤ 253. Null when invalid.
 */
export function normalizeDomainName(input: string): string | null {
  let name = input.trim();
  if (dnsNameLength(name) > MAX_NAME_LENGTH) return null;
  if (name.endsWith('.')) name = name.slice(0, -1);
  const ascii = toAsciiLabels(name);
  if (ascii === null || ascii.length === 0 || ascii.length > MAX_NAME_LENGTH) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) return null;
  return ascii;
}

/** Whether `fqdn` (no trailing dot) is a valid record name: labels of `[a-z0-9_-]`, `*` only leftmost. */
function validRecordLabels(fqdn: string): boolean {
  if (fqdn.length === 0 || fqdn.length > MAX_NAME_LENGTH) return false;
  const labels = fqdn.split('.');
  return labels.every((label, i) => {
    if (label === '*') return i === 0;
    return LABEL.test(label) && !label.startsWith('-') && !label.endsWith('-');
  });
}

export type RecordNameResult = { ok: true; fqdn: string } | { ok: false; problem: string };

/**
 * Normalise a record name against its zone (see docs/records.md): `@` is the apex; a trailing dot makes it
 * absolute; without one, a name equal to the zone or ending in `.<zone>` is absolute, anything else
 * is relative to the zone. Result: lower-case FQDN with a trailing dot, or the documented problem.
 */
export function normalizeRecordName(input: string, zoneDomain: string): RecordNameResult {
  // Before anything parses it: a longer input cannot be a name, and the problem echoes the input.
  if (dnsNameLength(input) > MAX_NAME_LENGTH) return { ok: false, problem: tooLong(MAX_NAME_LENGTH) };
  const invalid = { ok: false as const, problem: `"${input}" is not a valid DNS name` };
  if (input === '@') return { ok: true, fqdn: `${zoneDomain}.` };
  // Route 53 lists `*` as `\052`; accept it so listed names round-trip.
  const ascii = toAsciiLabels(input.replace(/^\\052(?=\.|$)/, '*'));
  if (ascii === null || ascii === '' || ascii === '.') return invalid;
  let fqdn: string;
  if (ascii.endsWith('.')) fqdn = ascii.slice(0, -1);
  else if (ascii === zoneDomain || ascii.endsWith(`.${zoneDomain}`)) fqdn = ascii;
  else fqdn = `${ascii}.${zoneDomain}`;
  if (!validRecordLabels(fqdn)) return invalid;
  if (fqdn !== zoneDomain && !fqdn.endsWith(`.${zoneDomain}`)) {
    return { ok: false, problem: `"${input}" is not in zone ${zoneDomain}` };
  }
  return { ok: true, fqdn: `${fqdn}.` };
}

/**
 * A hostname inside a value (CNAME/MX/SRV/PTR targets, see docs/records.md): lower-case, absolute with a
 * trailing dot, never relative to the zone; no `*`. Null when invalid.
 */
export function normalizeHostname(input: string): string | null {
  if (dnsNameLength(input) > MAX_NAME_LENGTH) return null;
  let name = input;
  if (name.endsWith('.')) name = name.slice(0, -1);
  const ascii = toAsciiLabels(name);
  if (ascii === null || ascii.includes('*') || !validRecordLabels(ascii)) return null;
  return `${ascii}.`;
}

/** `www.example.com.` → `www` for zone `example.com`; the apex is `@`. */
export function relativeName(fqdn: string, zoneDomain: string): string {
  const name = fqdn.endsWith('.') ? fqdn.slice(0, -1) : fqdn;
  if (name === zoneDomain) return '@';
  return name.endsWith(`.${zoneDomain}`) ? name.slice(0, -(zoneDomain.length + 1)) : name;
}

/** `www` → `www.example.com.`; `@` → `example.com.`. The inverse of `relativeName`. */
export function absoluteName(relative: string, zoneDomain: string): string {
  return relative === '@' ? `${zoneDomain}.` : `${relative}.${zoneDomain}.`;
}

/** Route 53 list order key: labels reversed plus a trailing dot (`www.myapp.com.` → `com.myapp.www.`). */
export function routeOrderKey(fqdn: string): string {
  const name = fqdn.endsWith('.') ? fqdn.slice(0, -1) : fqdn;
  return `${name.split('.').reverse().join('.')}.`;
}

/** Compare two record sets as Route 53 lists them: reversed name, then type (plain string compare). */
export function compareRecordSets(a: { name: string; type: string }, b: { name: string; type: string }): number {
  const ka = routeOrderKey(a.name);
  const kb = routeOrderKey(b.name);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}
