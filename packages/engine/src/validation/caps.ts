/**
 * Length caps of string input. A request body may be 5 MB; every string field is capped first so
 * that whatever checks it next (a pattern, a parser, a lookup) only ever sees short text, and an
 * over-long value is reported as such, naming its field.
 */

/** The problem reported for a string over its cap. */
export function mustBeAtMost(max: number): string {
  return `must be at most ${max} characters`;
}

/**
 * Arguments for zod's `.max()` that end the chain when the cap is exceeded: without `abort`, zod
 * runs every later check (`.regex()`, `.refine()`) on the over-long input anyway. Place it before
 * any such check: `z.string().max(...lengthCap(64)).regex(…)`.
 */
export function lengthCap(max: number, message = mustBeAtMost(max)): [number, { error: string; abort: true }] {
  return [max, { error: message, abort: true }];
}

/** Caps of the identifier-like fields (the longest valid value is well below each). */
export const FIELD_CAPS = {
  /** RFC 5321: a forward path is at most 256 octets including the angle brackets. */
  email: 254,
  /** Slugs are made from names of at most 100 characters. */
  slug: 100,
  /** Cloud regions (`ap-southeast-2`, `us-central1`, `eastus`). */
  region: 64,
  /** Short identifiers: AWS account IDs, GCP project IDs/numbers, pool and provider IDs, GUIDs. */
  identifier: 64,
  /** A tenant is a GUID or a domain name (253 characters and a final dot). */
  tenant: 254,
  /** A JSON object given as a string or Base64 (wifConfig, azureCredentials). */
  encodedObject: 8192,
  /** Free-text filters in query strings. */
  filter: 100,
  /** Why credentials are issued (docs/credentials.md); it goes into AWS session names. */
  purpose: 32,
  /** An OAuth scope (GCP, Azure). */
  scope: 256,
  /** An AWS session policy: AWS accepts at most 2048 characters of plain text. */
  sessionPolicy: 2048,
  /** API tokens handed to a provider (Cloudflare's are 40 characters). */
  apiToken: 1024,
} as const;
