/**
 * Provider text handling for error messages (see docs/provider-calls.md). Cutting to 500 characters is done once,
 * by the ProviderCallError constructor, after redaction: cutting first could split an echoed
 * secret so that the redactor misses the half left visible.
 */

/** Collapse whitespace (error pages are multi-line HTML or text) into one line. */
export function flattenText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Replace every occurrence of each secret (as is, URL-encoded and form-encoded, since providers
 * echo request bodies) with `[REDACTED]`. Empty secrets are ignored.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
    for (const form of forms) out = out.split(form).join('[REDACTED]');
  }
  return out;
}
