import { isIPv4, isIPv6 } from 'node:net';
import type { WritableRecordType } from '../../ports/dns.js';
import { maxValueLength, tooLong } from './limits.js';
import { normalizeHostname } from './names.js';
import { normalizeTxt } from './txt.js';

/**
 * Values per record type (see docs/records.md): each input value → its wire form (as sent to Route 53 and
 * returned in responses), or the documented problem. Pure.
 */
export type ValueResult = { ok: true; wire: string } | { ok: false; problem: string };

const ok = (wire: string): ValueResult => ({ ok: true, wire });
const fail = (problem: string): ValueResult => ({ ok: false, problem });

function uint(text: string | undefined, max: number): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= max ? n : null;
}

function a(v: string): ValueResult {
  // node:net accepts no leading zeros (`01.2.3.4` is not IPv4), which is the documented rule.
  return isIPv4(v) ? ok(v) : fail(`"${v}" is not a valid IPv4 address`);
}

/**
 * RFC 5952 text via the WHATWG URL serialiser (lower-case, longest zero run compressed, no leading
 * zeros), except that an IPv4-mapped address keeps its IPv4 part dotted (RFC 5952 §5), which the
 * URL serialiser does not do.
 */
function aaaa(v: string): ValueResult {
  if (!isIPv6(v) || v.includes('%')) return fail(`"${v}" is not a valid IPv6 address`);
  const text = new URL(`http://[${v}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
  if (!mapped) return ok(text);
  const [hi, lo] = [parseInt(mapped[1] as string, 16), parseInt(mapped[2] as string, 16)];
  return ok(`::ffff:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
}

function host(v: string): ValueResult {
  const h = normalizeHostname(v);
  return h === null ? fail(`"${v}" is not a valid host name`) : ok(h);
}

function mx(v: string): ValueResult {
  const bad = fail('MX value must be "<priority> <mail server>"');
  const parts = v.trim().split(/\s+/);
  if (parts.length !== 2) return bad;
  const priority = uint(parts[0], 65535);
  const target = normalizeHostname(parts[1] as string);
  if (priority === null || target === null) return bad;
  return ok(`${priority} ${target}`);
}

function srv(v: string): ValueResult {
  const bad = fail('SRV value must be "<priority> <weight> <port> <target>"');
  const parts = v.trim().split(/\s+/);
  if (parts.length !== 4) return bad;
  const nums = parts.slice(0, 3).map((p) => uint(p, 65535));
  if (nums.some((n) => n === null)) return bad;
  const rawTarget = parts[3] as string;
  const target = rawTarget === '.' ? '.' : normalizeHostname(rawTarget);
  if (target === null) return bad;
  return ok(`${nums.join(' ')} ${target}`);
}

const CAA_TAGS = ['issue', 'issuewild', 'iodef'];

/** Flags and tag, each followed by whitespace; the rest is the property value. */
const CAA_HEAD = /^\s*(\S+)\s+(\S+)\s+/;
/** What `.` does not match: a CAA value is one line. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;

function caa(v: string): ValueResult {
  const bad = fail('CAA value must be "<flags> <tag> <value>"');
  // Head and value apart: a single `\s+(.*?)\s*$` lets the two whitespace runs trade characters,
  // which costs quadratic time on a long run of spaces that does not end the value.
  const head = CAA_HEAD.exec(v);
  if (!head) return bad;
  const rest = v.slice(head[0].length).trimEnd();
  if (LINE_BREAK.test(rest)) return bad;
  const flags = uint(head[1], 255);
  if (flags === null) return bad;
  const tag = (head[2] as string).toLowerCase();
  if (!CAA_TAGS.includes(tag)) return fail('CAA tag must be issue, issuewild or iodef');
  let value = rest;
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (value.includes('"') || !/^[\x20-\x7e]*$/.test(value)) return fail('CAA value must be printable ASCII without quotes');
  return ok(`${flags} ${tag} "${value}"`);
}

function txt(v: string): ValueResult {
  const r = normalizeTxt(v);
  return r.ok ? ok(r.wire) : fail(r.problem);
}

const NORMALIZERS: Record<WritableRecordType, (v: string) => ValueResult> = {
  A: a,
  AAAA: aaaa,
  CNAME: host,
  MX: mx,
  TXT: txt,
  SRV: srv,
  PTR: host,
  CAA: caa,
};

/**
 * Normalise one value of a writable type to its wire form. The length cap comes first, so no
 * normaliser (and no pattern in one) ever sees an over-long value.
 */
export function normalizeRecordValue(type: WritableRecordType, value: string): ValueResult {
  const max = maxValueLength(type);
  if (value.length > max) return fail(tooLong(max));
  return NORMALIZERS[type](value);
}
