import { z } from 'zod';
import { MAX_NAME_LENGTH, tooLong } from '../dns/records/limits.js';
import { checkPositionPair, positionSchema } from '../dns/schemas.js';
import { LIST_PAGE_MAX, pageQueryFields } from '../pagination/page-query.js';
import { lengthCap } from '../validation/caps.js';
import { canBeDnsTarget, HOST_RESOURCE_TYPES, type HostResourceType } from './catalogue.js';
import { dnsTargetSchema } from './dns-target-schema.js';

/**
 * Body and query schemas of the host-resource and subdomain routes (see docs/resources.md), with
 * the documented problems as messages. Exported so the REST adapter describes them in OpenAPI.
 */

const required = (problem: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : problem);

/** The most a host's metadata may take once serialised (8 KB). */
export const MAX_HOST_METADATA_BYTES = 8192;
/** Keys of `metadata` that the engine fills in itself. */
export const RESERVED_METADATA_KEYS = ['dnsTarget', 'connections'] as const;

/** UTF-8 size of `value` as JSON, or Infinity when it cannot be serialised (nested too deep for the stack). */
function serialisedBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value), 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * The host's own metadata: a JSON object of at most 8 KB serialised, without the reserved keys.
 * The size is measured before anything looks inside it (only the top-level keys are copied).
 */
export const hostMetadataSchema = z
  .looseObject({}, { error: 'must be a JSON object' })
  .superRefine((m, ctx) => {
    if (serialisedBytes(m) > MAX_HOST_METADATA_BYTES) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_HOST_METADATA_BYTES} bytes once serialised` });
      return;
    }
    for (const key of RESERVED_METADATA_KEYS) {
      if (Object.hasOwn(m, key)) ctx.addIssue({ code: 'custom', path: [key], message: 'is reserved' });
    }
  })
  .describe(`The host's own JSON object, at most ${MAX_HOST_METADATA_BYTES} bytes serialised; the keys ${RESERVED_METADATA_KEYS.join(' and ')} are reserved`);

const HOST_TYPE_LIST = HOST_RESOURCE_TYPES.join(', ');
/** `dns` and `subdomain` are catalogue types with routes of their own: say which. */
const OWN_ROUTE: Readonly<Record<string, string>> = { dns: 'POST …/dns', subdomain: 'POST …/subdomains' };

export const resourceTypeSchema = z.enum(HOST_RESOURCE_TYPES as [HostResourceType, ...HostResourceType[]], {
  error: (issue) => {
    if (issue.input === undefined) return 'required';
    const own = typeof issue.input === 'string' && Object.hasOwn(OWN_ROUTE, issue.input) ? OWN_ROUTE[issue.input] : undefined;
    return own ? `${String(issue.input)} resources are created with ${own}` : `must be one of ${HOST_TYPE_LIST}`;
  },
});

/** The fields a host resource's register and update share (see docs/resources.md#host-resources). */
export const hostResourceFields = {
  name: z.string({ error: required('must be a string') }).trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  /**
   * The id the host (or its cloud) gives the resource (`i-0abc…`), shown as the resource object's
   * `resourceId`. Named apart in bodies because `resourceId` is the path parameter of
   * `PATCH …/resources/:resourceId` (the database id), and REST and tRPC merge path and body.
   */
  providerResourceId: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  region: z
    .string({ error: 'must be a string' })
    .max(...lengthCap(64))
    .regex(/^[a-z0-9-]+$/, 'must be 1–64 characters of a-z, 0-9 and -'),
  status: z
    .string({ error: 'must be a string' })
    .max(...lengthCap(32))
    .regex(/^[a-z_]+$/, 'must be 1–32 characters of a-z and _'),
  dnsTarget: dnsTargetSchema,
  metadata: hostMetadataSchema,
  positionX: positionSchema,
  positionY: positionSchema,
};

/** A DNS target on a type that cannot have one (a firewall) is refused at `dnsTarget`. */
export function checkDnsTargetAllowed(type: string, dnsTarget: unknown, ctx: z.RefinementCtx): void {
  if (dnsTarget !== undefined && dnsTarget !== null && !canBeDnsTarget(type)) {
    ctx.addIssue({ code: 'custom', path: ['dnsTarget'], message: `a ${type} cannot be a DNS target` });
  }
}

/** `POST …/resources` body. */
export const registerResourceBodySchema = z
  .object({
    resourceType: resourceTypeSchema,
    name: hostResourceFields.name,
    providerResourceId: hostResourceFields.providerResourceId.optional(),
    region: hostResourceFields.region.optional(),
    status: hostResourceFields.status.optional().default('active'),
    dnsTarget: hostResourceFields.dnsTarget.nullable().optional(),
    metadata: hostResourceFields.metadata.optional(),
    positionX: hostResourceFields.positionX,
    positionY: hostResourceFields.positionY,
  })
  .superRefine((body, ctx) => {
    checkPositionPair(body, ctx);
    checkDnsTargetAllowed(body.resourceType, body.dnsTarget, ctx);
  });
export type RegisterResourceBody = z.input<typeof registerResourceBodySchema>;

/** A resource id in a body or query: a positive integer, as a number or a string of digits. */
const idField = z
  .union([z.number(), z.string()], { error: required('must be a positive integer') })
  .transform((v) => (typeof v === 'number' ? (Number.isSafeInteger(v) ? String(v) : '') : v))
  .pipe(z.string().regex(/^[1-9]\d{0,14}$/, 'must be a positive integer'))
  .transform(Number);

/** `POST …/subdomains` body; `name` is checked against its zone by the service (docs/records.md#record-names). */
export const createSubdomainBodySchema = z.object({
  zoneId: idField.describe('Id of a dns resource (zone) of this environment'),
  name: z
    .string({ error: required('must be a string') })
    // A name's 253 characters, a final dot and Route 53's three-character `\052` escape of a leading `*`.
    .max(...lengthCap(MAX_NAME_LENGTH + 4, tooLong(MAX_NAME_LENGTH)))
    .describe('Relative to the zone (`www`, `api.v2`, `*.preview`, `@` for the apex) or absolute inside it'),
});
export type CreateSubdomainBody = z.input<typeof createSubdomainBodySchema>;

/** `GET …/subdomains` query. */
export const listSubdomainsQuerySchema = z.object({
  zoneId: idField.optional(),
  ...pageQueryFields(LIST_PAGE_MAX),
});
export type ListSubdomainsQuery = z.input<typeof listSubdomainsQuerySchema>;
