/**
 * Rendering values into shell scripts (SPEC §4.3): every value is checked first, then emitted only
 * as a single-quoted literal, so nothing the server renders can be interpreted by the shell.
 */

/** An http(s) URL without whitespace, quotes, backslashes or `$`. */
export function isSafeUrl(value: string): boolean {
  if (/[\s'"`\\$]/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `'value'`; refuses anything containing a single quote or a control character. */
export function singleQuoted(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/['\u0000-\u001f\u007f]/.test(value)) throw new Error('value cannot be rendered as a single-quoted shell literal');
  return `'${value}'`;
}
