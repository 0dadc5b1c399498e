/**
 * Rendering values into shell scripts and commands: every value is checked first, then
 * emitted only as a single-quoted literal, so nothing the server renders can be interpreted by the
 * shell. Single quotes are literal in POSIX sh, bash and PowerShell alike.
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

/**
 * Characters a configured public base URL may hold: enough for a scheme, host (IPv6 in brackets),
 * port and path, and nothing a shell would act on (`$`, backquote, `;`, `&`, `|`, `(`, `<`, quotes, …).
 * The URL ends up in setup scripts and in the commands users paste into Cloud Shell.
 */
const BASE_URL_CHARACTERS = /^[\w.~:/%[\]-]+$/;

/** The rule for the public base URL, in words, for configuration errors. */
export const SAFE_BASE_URL_RULE =
  'an absolute http(s) base URL of letters, digits and - . _ ~ : / % [ ] only (no query, fragment, credentials or shell metacharacters)';

/** Whether `value` may be the public base URL every script and setup command is built from. */
export function isSafeBaseUrl(value: string): boolean {
  // Without `@`, `?` and `#` in the character set there can be no credentials, query or fragment.
  return BASE_URL_CHARACTERS.test(value) && isSafeUrl(value);
}

/** `'value'`; refuses anything containing a single quote or a control character. */
export function singleQuoted(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/['\u0000-\u001f\u007f]/.test(value)) throw new Error('value cannot be rendered as a single-quoted shell literal');
  return `'${value}'`;
}

/** `curl -sSL '<url>' | <shell>`: download a setup script and run it, the URL a literal. */
export function pipeToShell(scriptUrl: string, shell: 'bash' | 'sh'): string {
  if (!isSafeUrl(scriptUrl)) throw new Error('script URL must be an http(s) URL without whitespace, quotes, backslashes or $');
  return `curl -sSL ${singleQuoted(scriptUrl)} | ${shell}`;
}
