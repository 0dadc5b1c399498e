import { z } from 'zod';
import { isIP } from 'node:net';
import { awsAliasTarget, MAX_HOSTED_ZONE_ID_LENGTH } from '../dns/records/aws-alias-targets.js';
import { MAX_NAME_LENGTH, tooLong } from '../dns/records/limits.js';
import { normalizeHostname } from '../dns/records/names.js';
import { MAX_VALUES } from '../dns/records/record-set.js';
import { normalizeRecordValue } from '../dns/records/values.js';
import { lengthCap } from '../validation/caps.js';
import type { DnsTarget } from './dns-target.js';

/**
 * The `dnsTarget` input of a host resource (see docs/resources.md#dns-targets): exactly one of
 * `addresses`, `hostname`, `alias`, normalised by the record model into the stored form of
 * `DnsTarget`. Unknown keys are refused rather than dropped: a misspelt key here would silently
 * change where a customer's domain points. Problems name their path below the field
 * (`addresses[2]`, `alias.dnsName`), so a body using it reports `dnsTarget.addresses[2]`.
 */

/** The longest text form of an IPv6 address (an IPv4-mapped one): 45 characters. */
const MAX_ADDRESS_LENGTH = 45;
const FORMS = ['addresses', 'hostname', 'alias'] as const;

/** `must be an object` for a non-object; `has unknown field "x"` for an unknown key. */
function objectError(issue: { code?: string; keys?: readonly string[] }): string | undefined {
  if (issue.code === 'unrecognized_keys') return `has unknown field${(issue.keys ?? []).length > 1 ? 's' : ''} ${(issue.keys ?? []).map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type') return 'must be an object';
  return undefined;
}

/** An address's A or AAAA wire form, by the record model's value parsers; null when it is neither. */
function addressWire(raw: string): string | null {
  for (const type of ['A', 'AAAA'] as const) {
    const r = normalizeRecordValue(type, raw);
    if (r.ok) return r.wire;
  }
  return null;
}

const addressesField = z
  .array(z.string({ error: 'must be a string' }).max(...lengthCap(MAX_ADDRESS_LENGTH)), { error: 'must be an array of IP addresses' })
  .min(1, `must have between 1 and ${MAX_VALUES} addresses`)
  .max(MAX_VALUES, `must have between 1 and ${MAX_VALUES} addresses`)
  .transform((list, ctx) => {
    const out: string[] = [];
    const seen = new Map<string, number>();
    list.forEach((raw, i) => {
      const wire = addressWire(raw);
      if (wire === null) {
        ctx.addIssue({ code: 'custom', path: [i], message: `"${raw}" is not a valid IPv4 or IPv6 address` });
        return;
      }
      const first = seen.get(wire);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate of addresses[${first}]` });
      else seen.set(wire, i);
      out.push(wire);
    });
    return out;
  })
  .describe(`1–${MAX_VALUES} IPv4/IPv6 addresses, normalised as A/AAAA values`);

const hostnameField = z
  .string({ error: 'must be a string' })
  // One final dot more than a name's 253 characters; normalizeHostname counts the rest.
  .max(...lengthCap(MAX_NAME_LENGTH + 1, tooLong(MAX_NAME_LENGTH)))
  .transform((raw, ctx) => {
    const host = normalizeHostname(raw.trim());
    if (host === null) {
      ctx.addIssue({ code: 'custom', message: `"${raw}" is not a valid host name` });
      return z.NEVER;
    }
    // A CNAME to an address resolves nowhere: the address belongs in `addresses`.
    if (isIP(host.slice(0, -1)) !== 0) {
      ctx.addIssue({ code: 'custom', message: 'is an IP address: give it in addresses' });
      return z.NEVER;
    }
    return host;
  })
  .describe('A host name; stored lower-case with a trailing dot');

const aliasField = z
  .strictObject(
    {
      dnsName: z.string({ error: (i) => (i.input === undefined ? 'required' : 'must be a string') }).max(...lengthCap(MAX_NAME_LENGTH + 1, tooLong(MAX_NAME_LENGTH))),
      hostedZoneId: z.string({ error: 'must be a string' }).max(...lengthCap(MAX_HOSTED_ZONE_ID_LENGTH)).optional(),
      evaluateTargetHealth: z.boolean({ error: 'must be a boolean' }).optional(),
      dualStack: z.boolean({ error: 'must be a boolean' }).optional(),
    },
    { error: objectError },
  )
  .transform((a, ctx) => {
    const aws = awsAliasTarget(a.dnsName, a.hostedZoneId);
    if (!aws.ok) {
      ctx.addIssue({ code: 'custom', path: [aws.field], message: aws.message });
      return z.NEVER;
    }
    return { dnsName: aws.dnsName, hostedZoneId: aws.hostedZoneId, evaluateTargetHealth: a.evaluateTargetHealth ?? false, dualStack: a.dualStack ?? false };
  })
  .describe('An AWS endpoint with a known hosted zone: S3 website, CloudFront, Application/Classic or Network load balancer; hostedZoneId is filled in');

/** `dnsTarget`: exactly one of the three forms, in its stored (normalised) form. */
export const dnsTargetSchema = z
  .strictObject({ addresses: addressesField.optional(), hostname: hostnameField.optional(), alias: aliasField.optional() }, { error: objectError })
  .transform((t, ctx): DnsTarget => {
    const given = FORMS.filter((f) => t[f] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `must have exactly one of ${FORMS.join(', ')}${given.length > 1 ? ` (got ${given.join(', ')})` : ''}` });
      return z.NEVER;
    }
    if (t.addresses) return { addresses: t.addresses };
    if (t.hostname) return { hostname: t.hostname };
    return { alias: t.alias as NonNullable<typeof t.alias> };
  })
  .describe('Where the resource is reached: exactly one of addresses, hostname, alias (see docs/resources.md#dns-targets)');

export type DnsTargetInput = z.input<typeof dnsTargetSchema>;
