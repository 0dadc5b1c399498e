import { z } from 'zod';
import { FIELD_CAPS, lengthCap } from '../validation/caps.js';

/** Fits AWS's RoleSessionName/SourceIdentity charset, so it can name the session as given. */
const PURPOSE = /^[a-z0-9][\w.@=,+-]*$/i;
/** An OAuth scope: printable ASCII without spaces (RFC 6749 §3.3). */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** AWS session durations: at least 15 minutes, at most the template's MaxSessionDuration (1 h). */
export const AWS_MIN_DURATION_SECONDS = 900;
export const AWS_MAX_DURATION_SECONDS = 3600;
const MAX_SCOPES = 10;

const scopes = z
  .array(z.string().min(1).max(...lengthCap(FIELD_CAPS.scope)).regex(SCOPE, 'must be an OAuth scope (printable ASCII, no spaces)'))
  .min(1)
  .max(MAX_SCOPES);

/** A session policy as JSON text or as the object; checked to be a JSON object either way. */
const sessionPolicy = z
  .union([z.string().max(...lengthCap(FIELD_CAPS.sessionPolicy)), z.record(z.string(), z.unknown())])
  .transform((value, ctx) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (text.length > FIELD_CAPS.sessionPolicy) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${FIELD_CAPS.sessionPolicy} characters as JSON` });
      return z.NEVER;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return text;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object (an IAM policy document)' });
    return z.NEVER;
  });

/** The body of `credentials.issue` / `forHost` besides the workspace and connection. */
export const issueCredentialsSchema = z.strictObject({
  purpose: z.string().min(1).max(...lengthCap(FIELD_CAPS.purpose)).regex(PURPOSE, 'must be letters, digits and . _ - @ = , + (starting with a letter or digit)'),
  aws: z
    .strictObject({
      sessionPolicy: sessionPolicy.optional(),
      durationSeconds: z.number().int().min(AWS_MIN_DURATION_SECONDS).max(AWS_MAX_DURATION_SECONDS).optional(),
    })
    .optional(),
  gcp: z.strictObject({ scopes: scopes.optional() }).optional(),
  azure: z.strictObject({ scopes: scopes.optional() }).optional(),
});
export type IssueCredentialsBody = z.output<typeof issueCredentialsSchema>;
