/**
 * `Retry-After` (RFC 9110 §10.2.3) is either delay-seconds (`120`) or an HTTP-date in one of the
 * three forms a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`,
 * the obsolete RFC 850 form `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`.
 * The forms are matched exactly rather than handed to `Date.parse`, which also accepts `-5`, `1.5`
 * and other text no server means as a date.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

interface DateFields {
  readonly day: number;
  readonly month: string;
  readonly year: number;
  readonly time: readonly [string, string, string];
}

function dateFields(text: string, now: Date): DateFields | undefined {
  const imf = IMF_FIXDATE.exec(text);
  if (imf) return { day: Number(imf[1]), month: imf[2]!, year: Number(imf[3]), time: [imf[4]!, imf[5]!, imf[6]!] };
  const rfc850 = RFC850_DATE.exec(text);
  if (rfc850) {
    // A two-digit year that would lie more than 50 years ahead means the latest past year with those digits.
    let year = Math.floor(now.getUTCFullYear() / 100) * 100 + Number(rfc850[3]);
    if (year > now.getUTCFullYear() + 50) year -= 100;
    return { day: Number(rfc850[1]), month: rfc850[2]!, year, time: [rfc850[4]!, rfc850[5]!, rfc850[6]!] };
  }
  const asctime = ASCTIME_DATE.exec(text);
  if (asctime) return { day: Number(asctime[2]!.trim()), month: asctime[1]!, year: Number(asctime[6]), time: [asctime[3]!, asctime[4]!, asctime[5]!] };
  return undefined;
}

/** Milliseconds since the epoch of an HTTP-date, or undefined when `text` is not one. */
export function parseHttpDate(text: string, now: Date): number | undefined {
  const fields = dateFields(text, now);
  if (!fields) return undefined;
  const month = MONTHS.indexOf(fields.month);
  const [hour, minute, second] = fields.time.map(Number) as [number, number, number];
  const at = Date.UTC(fields.year, month, fields.day, hour, minute, second);
  // Reject impossible fields (31 Feb, 25:00) instead of letting Date.UTC roll them over.
  const check = new Date(at);
  const exact = check.getUTCDate() === fields.day && check.getUTCMonth() === month && check.getUTCHours() === hour && check.getUTCMinutes() === minute && check.getUTCSeconds() === second;
  return exact ? at : undefined;
}

/**
 * Parse a `Retry-After` value into whole seconds from `now`: delay-seconds as they are, an HTTP-date
 * as the seconds until it (rounded up; a date in the past gives 0). Absent or anything else → undefined,
 * so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? seconds : undefined;
  }
  const at = parseHttpDate(trimmed, now);
  if (at === undefined) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
