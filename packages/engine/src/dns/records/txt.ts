/**
 * TXT quoting and splitting (see docs/records.md). The logical text is the strings joined; the wire form is
 * that text cut into chunks of ≤ 255 characters, each quoted with `"` and `\` escaped, joined by
 * one space. The same wire form goes to Route 53, to Cloudflare `content` and into listings.
 */

/** Route 53's limit for one `Value`. */
export const TXT_WIRE_LIMIT = 4000;
const CHUNK = 255;

const WHITESPACE_RUN = /\s*/y;

export type TxtResult = { ok: true; wire: string; text: string } | { ok: false; problem: string };

/**
 * Parse a TXT input value: starting with `"` it is one or more quoted strings (with `\"` and `\\`
 * escapes) separated by whitespace; otherwise the whole value is one text.
 */
export function parseTxtStrings(input: string): string[] | null {
  if (!input.startsWith('"')) return [input];
  const strings: string[] = [];
  let i = 0;
  while (i < input.length) {
    if (input[i] !== '"') return null;
    i++;
    let current = '';
    let closed = false;
    while (i < input.length) {
      const ch = input[i] as string;
      if (ch === '\\' && i + 1 < input.length) {
        const next = input.slice(i + 1, i + 4);
        // RFC 1035 `\DDD` decimal escapes, as Route 53 lists some characters.
        if (/^\d{3}$/.test(next)) {
          current += String.fromCharCode(Number(next));
          i += 4;
        } else {
          current += input[i + 1];
          i += 2;
        }
        continue;
      }
      if (ch === '"') {
        closed = true;
        i++;
        break;
      }
      current += ch;
      i++;
    }
    if (!closed) return null;
    strings.push(current);
    // Sticky, from `i`: no copy of the rest per string, so many short strings stay linear.
    WHITESPACE_RUN.lastIndex = i;
    const skipped = WHITESPACE_RUN.exec(input)?.[0].length ?? 0;
    if (i + skipped < input.length && skipped === 0) return null;
    i += skipped;
  }
  return strings;
}

/** Quote one chunk: `"` → `\"`, `\` → `\\`. */
function quote(chunk: string): string {
  return `"${chunk.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The wire form of a logical text (see docs/records.md). */
export function txtWireForm(text: string): string {
  if (text.length === 0) return '""';
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) chunks.push(quote(text.slice(i, i + CHUNK)));
  return chunks.join(' ');
}

/** Normalise a TXT input value to its wire form, or the documented problem. */
export function normalizeTxt(input: string): TxtResult {
  const strings = parseTxtStrings(input);
  if (strings === null) return { ok: false, problem: 'TXT value has an unterminated or malformed quoted string' };
  const text = strings.join('');
  if (!/^[\x20-\x7e]*$/.test(text)) return { ok: false, problem: 'TXT must be printable ASCII' };
  const wire = txtWireForm(text);
  if (wire.length > TXT_WIRE_LIMIT) return { ok: false, problem: `TXT value exceeds ${TXT_WIRE_LIMIT} characters once quoted` };
  return { ok: true, wire, text };
}

/** The logical text of a wire form (strings joined), e.g. for the `_gateways_app` check. */
export function txtText(wire: string): string {
  return (parseTxtStrings(wire) ?? [wire]).join('');
}
