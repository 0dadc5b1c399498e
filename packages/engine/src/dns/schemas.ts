import { z } from 'zod';
import { WRITABLE_RECORD_TYPES } from '../ports/dns.js';
import { FIELD_CAPS, lengthCap } from '../validation/caps.js';
import { MAX_HOSTED_ZONE_ID_LENGTH } from './records/aws-alias-targets.js';
import { dnsNameLength, MAX_NAME_LENGTH, MAX_TXT_VALUE_LENGTH, MAX_VALUE_LENGTH, tooLong } from './records/limits.js';
import { normalizeDomainName } from './records/names.js';
import { LIST_PAGE_MAX, pageQueryFields } from '../pagination/page-query.js';

/**
 * Body and query schemas of the DNS and resources routes, with the documented problems
 * as messages. Exported so the REST adapter can describe them in OpenAPI. Record items are checked
 * (and normalised against their zone) by `parseRecordsRequest`; the record schemas here describe
 * their shape for documentation and typing.
 */

const stringField = () => z.string({ error: (issue) => (issue.input === undefined ? 'required' : 'must be a string') });

/** `POST …/dns` `provider`: a provider id, or `native` to pick one (docs/records.md#zones). */
export const DNS_PROVIDERS = ['native', 'route53', 'cloudflare', 'clouddns', 'azuredns'] as const;
export type DnsProviderChoice = (typeof DNS_PROVIDERS)[number];

/** Where Azure DNS zones go unless the engine config or the create names another resource group. */
export const DEFAULT_AZURE_DNS_RESOURCE_GROUP = 'cloudlink-dns';
/** Azure's own limit on a resource group name. */
export const MAX_AZURE_RESOURCE_GROUP_LENGTH = 90;
export const AZURE_RESOURCE_GROUP_RULE = `1-${MAX_AZURE_RESOURCE_GROUP_LENGTH} letters, digits, underscores, hyphens, periods and parentheses, not ending in a period`;
// Azure also allows non-ASCII letters; the ASCII subset keeps the name safe in every URL and log line.
const AZURE_RESOURCE_GROUP = /^[\w().-]+$/;
/** Whether `name` is a resource group name Azure accepts (the ASCII subset of its rules). */
export function isAzureResourceGroupName(name: string): boolean {
  return name.length >= 1 && name.length <= MAX_AZURE_RESOURCE_GROUP_LENGTH && AZURE_RESOURCE_GROUP.test(name) && !name.endsWith('.');
}

/** A number or a numeric string (`positionX`/`positionY`: the one coercion the documented API allows). */
export const positionSchema = z
  .union([z.number(), z.string()], { error: 'must be a number' })
  .transform((v, ctx) => {
    const n = typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: 'must be a number' });
      return z.NEVER;
    }
    return n;
  })
  .optional();

/** `positionX` and `positionY` come together or not at all; the problem names the missing one. */
export function checkPositionPair(body: { positionX?: number | undefined; positionY?: number | undefined }, ctx: z.RefinementCtx): void {
  if ((body.positionX === undefined) !== (body.positionY === undefined)) {
    const missing = body.positionX === undefined ? 'positionX' : 'positionY';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'positionX and positionY must be given together' });
  }
}

/** `POST …/dns` body. `domainName` comes out normalised (lower-case, punycode, no trailing dot). */
export const createZoneBodySchema = z
  .object({
    name: stringField().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    domainName: stringField().transform((v, ctx) => {
      if (dnsNameLength(v.trim()) > MAX_NAME_LENGTH) {
        ctx.addIssue({ code: 'custom', message: tooLong(MAX_NAME_LENGTH) });
        return z.NEVER;
      }
      const d = normalizeDomainName(v);
      if (d === null) {
        ctx.addIssue({ code: 'custom', message: 'must be a valid domain name' });
        return z.NEVER;
      }
      return d;
    }),
    provider: z
      .enum(DNS_PROVIDERS, { error: `must be one of ${DNS_PROVIDERS.join(', ')}` })
      .optional()
      .default('native')
      .describe('native: Cloudflare when cloudflareApiToken is given, else by the linked connection: AWS → route53, GCP → clouddns, Azure → azuredns (docs/records.md#zones)'),
    comment: z.string({ error: 'must be a string' }).max(256, 'must be at most 256 characters').nullable().optional(),
    positionX: positionSchema,
    positionY: positionSchema,
    cloudflareApiToken: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(...lengthCap(FIELD_CAPS.apiToken)).optional(),
    hostedZoneId: z
      .string({ error: 'must be a string' })
      .max(...lengthCap(MAX_HOSTED_ZONE_ID_LENGTH))
      .regex(/^[a-z0-9]+$/i, 'must be a Route 53 hosted zone id (letters and digits, without /hostedzone/)')
      .transform((v) => v.toUpperCase())
      .optional()
      .describe('Route 53 only: import this existing hosted zone instead of looking one up by name (docs/records.md#adopting-an-existing-hosted-zone)'),
    azureResourceGroup: z
      .string({ error: 'must be a string' })
      .max(...lengthCap(MAX_AZURE_RESOURCE_GROUP_LENGTH))
      .refine(isAzureResourceGroupName, `must be an Azure resource group name (${AZURE_RESOURCE_GROUP_RULE})`)
      .optional()
      .describe('Azure DNS only: the resource group the zone goes to (default: the engine config `dns.azureResourceGroup`, itself default `cloudlink-dns`)'),
  })
  .superRefine((body, ctx) => {
    checkPositionPair(body, ctx);
    if (body.provider === 'cloudflare' && body.cloudflareApiToken === undefined) {
      ctx.addIssue({ code: 'custom', path: ['cloudflareApiToken'], message: 'required when provider is cloudflare' });
    }
    const cloudflare = body.provider === 'cloudflare' || (body.provider === 'native' && body.cloudflareApiToken !== undefined);
    // Where native picks depends on the link, which the schema cannot see: the service checks that case.
    if (body.hostedZoneId !== undefined && (cloudflare || body.provider === 'clouddns' || body.provider === 'azuredns')) {
      ctx.addIssue({ code: 'custom', path: ['hostedZoneId'], message: 'applies only to Route 53 zones' });
    }
    if (body.azureResourceGroup !== undefined && (cloudflare || body.provider === 'route53' || body.provider === 'clouddns')) {
      ctx.addIssue({ code: 'custom', path: ['azureResourceGroup'], message: 'applies only to Azure DNS zones' });
    }
  });
export type CreateZoneBody = z.input<typeof createZoneBodySchema>;

/** One record item (see docs/records.md); semantic rules are applied by `parseRecordsRequest`. */
export const recordItemSchema = z.object({
  recordName: z.string().describe(`Relative, absolute or "@"; normalised against the zone; at most ${MAX_NAME_LENGTH} characters`),
  recordType: z.string().describe(`One of ${WRITABLE_RECORD_TYPES.join(', ')} (case-insensitive)`),
  values: z
    .array(z.string().max(MAX_TXT_VALUE_LENGTH))
    .min(1)
    .max(100)
    .optional()
    .describe(`Required unless alias is given. Each at most ${MAX_TXT_VALUE_LENGTH} characters for TXT, ${MAX_VALUE_LENGTH} for the other types`),
  ttl: z.number().int().min(1).max(86400).optional().describe('Default 300; ignored by DELETE and by alias items; on Cloudflare 1 = automatic (and always 1 when proxied)'),
  alias: z
    .object({
      target: z.string().max(MAX_NAME_LENGTH + 1).describe('An AWS endpoint (S3 website, CloudFront, load balancer) or a name inside this zone'),
      hostedZoneId: z.string().max(MAX_HOSTED_ZONE_ID_LENGTH).optional().describe("Filled in from the endpoint's region, or this zone's id; a given one must match"),
      evaluateTargetHealth: z.boolean().optional().describe('Default false'),
    })
    .optional()
    .describe('Route 53 zones, A and AAAA only: an alias record instead of values (docs/records.md#alias-items)'),
  proxied: z.boolean().optional().describe('Cloudflare zones only; A, AAAA and CNAME; default false (DNS-only)'),
});
export type RecordItem = z.input<typeof recordItemSchema>;

/** The batch form `{ records: [...] }` with 1–10 000 items. */
export const recordsBatchBodySchema = z.object({ records: z.array(recordItemSchema).min(1).max(10_000) });

/** `POST`/`DELETE …/dns/:id/records` body: the single form or the batch form. */
export const recordsBodySchema = z.union([recordItemSchema, recordsBatchBodySchema]);
export type RecordsBody = z.input<typeof recordsBodySchema>;

/** Documented resource subtypes accepted by `type`, optionally with a trailing `s`. */
export const RESOURCE_SUBTYPES = [
  'instance',
  'scalable_server',
  'runtime',
  'application',
  'database',
  'cache_server',
  'function',
  'storage_bucket',
  'static_website',
  'firewall',
  'dns',
  'subdomain',
  'terminal',
  'bucket_explorer',
  'ide',
  'db_monitor',
  'utility',
] as const;

/** `GET …/resources` query. `type` comes out singular (`dnss` → `dns`), or `all`. */
export const listResourcesQuerySchema = z.object({
  type: z
    .string({ error: 'must be a string' })
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === 'all') return 'all';
      const singular = (RESOURCE_SUBTYPES as readonly string[]).includes(v) ? v : v.endsWith('s') ? v.slice(0, -1) : null;
      if (singular === null || !(RESOURCE_SUBTYPES as readonly string[]).includes(singular)) {
        ctx.addIssue({ code: 'custom', message: `must be all or one of ${RESOURCE_SUBTYPES.join(', ')}` });
        return z.NEVER;
      }
      return singular;
    }),
  region: z.string({ error: 'must be a string' }).max(...lengthCap(FIELD_CAPS.filter)).optional(),
  status: z.string({ error: 'must be a string' }).max(...lengthCap(FIELD_CAPS.filter)).optional(),
  state: z.string({ error: 'must be a string' }).max(...lengthCap(FIELD_CAPS.filter)).optional(),
  ...pageQueryFields(LIST_PAGE_MAX),
});
export type ListResourcesQuery = z.input<typeof listResourcesQuerySchema>;
