/**
 * RFC 1035 §5 master-file reader (see docs/records.md#zone-files). One left-to-right pass over the
 * text, character by character, with no regular expression over unbounded input: work and memory are
 * linear in the file, whose size the caller caps before calling.
 *
 * Hand-written because no zone-file parser on the npm registry was fit (the comparison is in
 * docs/records.md#zone-files): the maintained one (`dnsz`) backtracks exponentially on a 30-character
 * line and reads an owner name starting with a digit (`1 IN PTR …`) as a TTL.
 */

/** One resource record as written in the file: absolute owner, TTL, type and its rdata tokens. */
export interface ZoneFileRecord {
  /** 1-based line where the record starts. */
  readonly line: number;
  /** Absolute, lower-case, with the trailing dot. */
  readonly name: string;
  /** null when neither the record, a `$TTL` nor an earlier record gave one. */
  readonly ttl: number | null;
  readonly type: string;
  /** The rdata tokens; `quoted` ones were written between `"` (escapes kept as written). */
  readonly rdata: readonly ZoneFileToken[];
  /** The comment text on the record's lines (after `;`), trimmed; '' when none. */
  readonly comment: string;
  /** The `$ORIGIN` in force at the record: relative names in its rdata are relative to it. */
  readonly origin: string;
}

export interface ZoneFileToken {
  readonly text: string;
  readonly quoted: boolean;
}

/** A problem at a line of the file. */
export class ZoneFileSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

/** Most tokens one record may have (a TXT of 4 000 one-character strings stays well under). */
const MAX_TOKENS_PER_ENTRY = 5_000;
/** RFC 2181 §8: TTLs are unsigned 31-bit. */
const MAX_TTL_VALUE = 2_147_483_647;

interface Entry {
  readonly line: number;
  /** The line began with a blank: the owner is the previous record's. */
  readonly blankOwner: boolean;
  readonly tokens: ZoneFileToken[];
  readonly comment: string;
}

/**
 * Split the text into entries (a line, or several joined by parentheses) of tokens. Yields lazily so
 * a caller stopping at the first error reads no further.
 */
function* entries(text: string): Generator<Entry> {
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const blankOwner = text[i] === ' ' || text[i] === '\t';
    const tokens: ZoneFileToken[] = [];
    const comments: string[] = [];
    let depth = 0;
    let openLine = 0;
    for (;;) {
      if (i >= n) {
        if (depth > 0) throw new ZoneFileSyntaxError(openLine, 'unbalanced "(": no closing ")"');
        break;
      }
      const c = text[i] as string;
      if (c === '\n') {
        i++;
        line++;
        if (depth === 0) break;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') {
        i++;
        continue;
      }
      if (c === ';') {
        const end = text.indexOf('\n', i);
        const stop = end === -1 ? n : end;
        const comment = text.slice(i + 1, stop).trim();
        if (comment !== '') comments.push(comment);
        i = stop;
        continue;
      }
      if (c === '(') {
        if (depth > 0) throw new ZoneFileSyntaxError(line, 'nested "("');
        depth = 1;
        openLine = line;
        i++;
        continue;
      }
      if (c === ')') {
        if (depth === 0) throw new ZoneFileSyntaxError(line, '")" without "("');
        depth = 0;
        i++;
        continue;
      }
      if (tokens.length >= MAX_TOKENS_PER_ENTRY) throw new ZoneFileSyntaxError(startLine, `more than ${MAX_TOKENS_PER_ENTRY} fields in one record`);
      if (c === '"') {
        // A quoted string: up to the next unescaped `"`, on this line; escapes are kept as written
        // (the record rules read them, e.g. TXT `\"` and `\DDD`).
        let j = i + 1;
        for (;;) {
          if (j >= n || text[j] === '\n') throw new ZoneFileSyntaxError(line, 'unterminated quoted string');
          if (text[j] === '\\') {
            j += 2;
            continue;
          }
          if (text[j] === '"') break;
          j++;
        }
        tokens.push({ text: text.slice(i + 1, j), quoted: true });
        i = j + 1;
        continue;
      }
      // A plain token: up to a blank, `;`, a parenthesis, a quote or the line's end; `\x` escapes one character.
      let j = i;
      while (j < n) {
        const d = text[j] as string;
        if (d === '\\') {
          if (j + 1 >= n || text[j + 1] === '\n') throw new ZoneFileSyntaxError(line, 'a "\\" ends the line');
          j += 2;
          continue;
        }
        if (d === ' ' || d === '\t' || d === '\r' || d === '\n' || d === ';' || d === '(' || d === ')' || d === '"') break;
        j++;
      }
      tokens.push({ text: text.slice(i, j), quoted: false });
      i = j;
    }
    if (tokens.length > 0) yield { line: startLine, blankOwner, tokens, comment: comments.join(' ') };
  }
}

/** `300`, `1h30m`, `2D` (BIND units) → seconds, or null. Linear scan, no regex. */
export function parseTtl(token: string): number | null {
  if (token === '' || !isDigit(token.charCodeAt(0))) return null;
  let total = 0;
  let current = 0;
  let digits = 0;
  let units = false;
  for (let k = 0; k < token.length; k++) {
    const code = token.charCodeAt(k);
    if (isDigit(code)) {
      current = current * 10 + (code - 48);
      digits++;
      if (current > MAX_TTL_VALUE) return null;
      continue;
    }
    const unit = UNIT_SECONDS[token[k]!.toLowerCase()];
    if (unit === undefined || digits === 0) return null;
    total += current * unit;
    current = 0;
    digits = 0;
    units = true;
  }
  if (digits > 0) {
    // A bare number after units (`1h30`) is not BIND syntax; a bare number alone is seconds.
    if (units) return null;
    total = current;
  }
  return total <= MAX_TTL_VALUE ? total : null;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** A record type mnemonic (`A`, `AAAA`, `TYPE65`): letters, then letters or digits. */
function isTypeToken(token: ZoneFileToken): boolean {
  const t = token.text;
  if (token.quoted || t.length === 0 || t.length > 10) return false;
  for (let k = 0; k < t.length; k++) {
    const c = t.charCodeAt(k) | 0x20;
    const letter = c >= 97 && c <= 122;
    if (!letter && !(k > 0 && isDigit(t.charCodeAt(k)))) return false;
  }
  return true;
}

const CLASSES = new Set(['IN', 'CH', 'CS', 'HS']);

/**
 * A name of the file against the current origin: `@` is the origin, a name ending in `.` is absolute,
 * anything else is relative to the origin. Lower-case, with the trailing dot.
 */
export function absoluteName(name: string, origin: string): string {
  if (name === '@') return origin;
  const lower = name.toLowerCase();
  if (lower.endsWith('.') && !lower.endsWith('\\.')) return lower;
  return origin === '.' ? `${lower}.` : `${lower}.${origin}`;
}

export interface ParseOptions {
  /** The zone apex, absolute with the trailing dot: the origin until a `$ORIGIN`. */
  readonly origin: string;
  /** Most records the file may hold; more is an error at the first record over. */
  readonly maxRecords: number;
}

/**
 * Read a master file into its records, in file order. Supports `$ORIGIN`, `$TTL`, `@`, relative
 * names, a blank owner (the previous one), TTL and class in either order, parentheses across lines,
 * quoted strings, `\` escapes and `;` comments. `$INCLUDE` and `$GENERATE` are refused (a file names
 * no other file here). Throws `ZoneFileSyntaxError` at the first problem.
 */
export function parseZoneFile(text: string, options: ParseOptions): ZoneFileRecord[] {
  const records: ZoneFileRecord[] = [];
  let origin = options.origin;
  let defaultTtl: number | null = null;
  let lastTtl: number | null = null;
  let lastOwner: string | null = null;
  for (const entry of entries(text)) {
    const tokens = entry.tokens;
    const first = tokens[0]!;
    if (!entry.blankOwner && !first.quoted && first.text.startsWith('$')) {
      const directive = first.text.toUpperCase();
      if (directive === '$ORIGIN') {
        if (tokens.length !== 2) throw new ZoneFileSyntaxError(entry.line, '$ORIGIN takes one name');
        origin = absoluteName(tokens[1]!.text, origin);
      } else if (directive === '$TTL') {
        const ttl = tokens.length === 2 ? parseTtl(tokens[1]!.text) : null;
        if (ttl === null) throw new ZoneFileSyntaxError(entry.line, '$TTL takes one TTL (seconds, or units like 1h)');
        defaultTtl = ttl;
      } else {
        throw new ZoneFileSyntaxError(entry.line, `${first.text} is not supported (only $ORIGIN and $TTL)`);
      }
      continue;
    }
    let k = 0;
    let owner: string;
    if (entry.blankOwner) {
      if (lastOwner === null) throw new ZoneFileSyntaxError(entry.line, 'a record without owner name before any owner name');
      owner = lastOwner;
    } else {
      if (first.quoted) throw new ZoneFileSyntaxError(entry.line, 'an owner name cannot be quoted');
      owner = absoluteName(first.text, origin);
      k = 1;
    }
    let ttl: number | null = null;
    let sawClass = false;
    // TTL and class, each optional, in either order (RFC 1035 §5.1).
    for (let step = 0; step < 2 && k < tokens.length; step++) {
      const t = tokens[k]!;
      if (t.quoted) break;
      const upper = t.text.toUpperCase();
      if (!sawClass && CLASSES.has(upper)) {
        if (upper !== 'IN') throw new ZoneFileSyntaxError(entry.line, `class ${upper} is not supported (only IN)`);
        sawClass = true;
        k++;
      } else if (ttl === null && isDigit(t.text.charCodeAt(0))) {
        ttl = parseTtl(t.text);
        if (ttl === null) throw new ZoneFileSyntaxError(entry.line, `"${t.text}" is not a valid TTL`);
        k++;
      } else break;
    }
    const typeToken = tokens[k];
    if (!typeToken || !isTypeToken(typeToken)) throw new ZoneFileSyntaxError(entry.line, 'expected a record type');
    const rdata = tokens.slice(k + 1);
    if (rdata.length === 0) throw new ZoneFileSyntaxError(entry.line, `${typeToken.text.toUpperCase()} record without data`);
    if (records.length >= options.maxRecords) throw new ZoneFileSyntaxError(entry.line, `more than ${options.maxRecords} records`);
    // RFC 2308: `$TTL` when given; before it, RFC 1035's "the last explicitly stated TTL".
    const effective = ttl ?? defaultTtl ?? lastTtl;
    if (ttl !== null) lastTtl = ttl;
    lastOwner = owner;
    records.push({ line: entry.line, name: owner, ttl: effective, type: typeToken.text.toUpperCase(), rdata, comment: entry.comment, origin });
  }
  return records;
}
