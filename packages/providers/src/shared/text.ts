/** Provider text handling: truncation and secret redaction for error messages (SPEC §4.1). */

/** Provider text in messages is at most this long (SPEC §4.1). */
export const MAX_PROVIDER_TEXT = 500;

/** Collapse whitespace and cut to `max` characters, ending in `...` when cut. */
export function truncateText(text: string, max = MAX_PROVIDER_TEXT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
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
