import { z } from 'zod';
import { lengthCap } from '../validation/caps.js';

/**
 * The longest external id kept. Identity providers' subject ids are far shorter (`auth0|` + 24 hex,
 * Google's 21 digits, UUIDs); the migration's CHECK (`ck_users_external_id`) holds the same cap.
 */
export const EXTERNAL_ID_MAX_CHARS = 255;

/** Whether `value` could be a stored external id: a string of 1 to EXTERNAL_ID_MAX_CHARS characters. */
export function isExternalId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= EXTERNAL_ID_MAX_CHARS;
}

const CONTROL = /\p{Cc}/u;

/**
 * `externalId` of `users.provision`: the host's opaque id, kept exactly as given (case and all), so
 * it is refused rather than trimmed when it has surrounding spaces: a silently changed id would
 * never match the host's sessions.
 */
export const externalIdSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'must be a string') })
  .min(1, 'must not be empty')
  .max(...lengthCap(EXTERNAL_ID_MAX_CHARS))
  .refine((v) => v.trim() === v, 'must not start or end with whitespace')
  .refine((v) => !CONTROL.test(v), 'must not contain control characters');
