import { z } from 'zod';
import { CONNECTION_STATUSES } from '../domain/records.js';
import { LIST_PAGE_MAX, pageQueryFields } from '../pagination/page-query.js';
import { FIELD_CAPS, lengthCap, mustBeAtMost } from '../validation/caps.js';

/**
 * Body and query schemas of the cloud-connection routes, with the documented problems
 * as messages. Exported so the REST adapter can describe them in OpenAPI.
 */

const stringField = () => z.string({ error: (issue) => (issue.input === undefined ? 'required' : 'must be a string') });
/** A string field checked by a pattern: capped first, so the pattern never sees an over-long input. */
const patternField = (cap: number = FIELD_CAPS.identifier) => stringField().max(...lengthCap(cap));

/** `accountName` at complete: trimmed, 1–100 characters. */
export const accountNameSchema = stringField().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

const region = (pattern: RegExp, fallback: string, example: string) =>
  z
    .string({ error: 'must be a string' })
    .max(...lengthCap(FIELD_CAPS.region))
    .regex(pattern, `must be ${example}`)
    .optional()
    .transform((v) => v ?? fallback);

/**
 * `mode` of connect-aws / connect-azure (docs/connections.md#connection-modes): the provider's
 * default mode, or `oidc` (federated through cloudlink's issuer, no stored secret).
 */
const mode = <T extends string>(modes: readonly [T, 'oidc']) =>
  z
    .enum(modes, { error: `must be "${modes[0]}" or "oidc"` })
    .optional();
export const connectAwsBodySchema = z.object({
  region: region(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'us-east-1', 'an AWS region such as us-east-1'),
  mode: mode(['role', 'oidc'] as const).transform((v) => v ?? 'role'),
});
export const connectGcpBodySchema = z.object({ region: region(/^[a-z]+-[a-z]+\d+$/, 'us-central1', 'a GCP region such as us-central1') });
export const connectAzureBodySchema = z.object({
  region: region(/^[a-z][a-z0-9]*$/, 'eastus', 'an Azure region such as eastus'),
  mode: mode(['secret', 'oidc'] as const).transform((v) => v ?? 'secret'),
});

export const completeAwsBodySchema = z.object({
  accountId: patternField().regex(/^\d{12}$/, 'must be a 12-digit AWS account ID'),
  accountName: accountNameSchema,
});

const UNDECODABLE = 'must be a JSON object, a JSON string or Base64-encoded JSON';

/** An object, a JSON string of one, or Base64 (standard or URL-safe) of that JSON; else null. */
export function decodeJsonObject(value: unknown): Record<string, unknown> | null {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(value)) return value;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return parsed;
  } catch {
    // not JSON: maybe Base64
  }
  if (!/^[\w+/-]+={0,2}$/.test(text)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** A field holding an object given as object, JSON string or Base64 JSON, then checked by `inner`. */
const jsonish = <S extends z.ZodType<unknown, Record<string, unknown>>>(inner: S) =>
  z
    .unknown()
    .transform((value, ctx) => {
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', message: 'required' });
        return z.NEVER;
      }
      if (typeof value === 'string' && value.length > FIELD_CAPS.encodedObject) {
        ctx.addIssue({ code: 'custom', message: mustBeAtMost(FIELD_CAPS.encodedObject) });
        return z.NEVER;
      }
      const decoded = decodeJsonObject(value);
      if (!decoded) {
        ctx.addIssue({ code: 'custom', message: UNDECODABLE });
        return z.NEVER;
      }
      return decoded;
    })
    .pipe(inner);

const GCP_PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const WIF_ID = /^[a-z0-9-]{4,32}$/;

export const wifConfigSchema = z.object({
  projectNumber: z
    .union([z.string(), z.number()], { error: (i) => (i.input === undefined ? 'required' : 'must be a string of digits') })
    .transform((v) => String(v))
    .pipe(z.string().max(...lengthCap(20, 'must be a string of digits')).regex(/^\d{1,20}$/, 'must be a string of digits')),
  poolId: patternField().regex(WIF_ID, 'must be 4-32 characters of a-z, 0-9 and -'),
  providerId: patternField().regex(WIF_ID, 'must be 4-32 characters of a-z, 0-9 and -'),
  serviceAccountEmail: patternField(FIELD_CAPS.email).regex(
    /^[a-z0-9][a-z0-9-]{0,62}@[a-z0-9.-]+\.gserviceaccount\.com$/,
    'must be a service account email such as name@project.iam.gserviceaccount.com',
  ),
  projectId: z.string({ error: 'must be a string' }).max(...lengthCap(FIELD_CAPS.identifier)).regex(GCP_PROJECT_ID, 'must be a GCP project ID').optional(),
});
export type WifConfig = z.output<typeof wifConfigSchema>;

export const completeGcpBodySchema = z
  .object({
    accountName: accountNameSchema,
    wifConfig: jsonish(wifConfigSchema),
    projectId: z.string({ error: 'must be a string' }).max(...lengthCap(FIELD_CAPS.identifier)).regex(GCP_PROJECT_ID, 'must be a GCP project ID').optional(),
  })
  .transform((body, ctx) => {
    const inner = body.wifConfig.projectId;
    if (body.projectId !== undefined && inner !== undefined && body.projectId !== inner) {
      ctx.addIssue({ code: 'custom', path: ['projectId'], message: 'does not match wifConfig.projectId' });
      return z.NEVER;
    }
    const projectId = body.projectId ?? inner;
    if (projectId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['projectId'], message: 'required' });
      return z.NEVER;
    }
    return { accountName: body.accountName, projectId, wifConfig: { ...body.wifConfig, projectId } };
  });

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The zone `domainName` rule of docs/records.md (already lower-case, no trailing dot). */
function isDomainName(v: string): boolean {
  if (v.length > 253) return false;
  const labels = v.split('.');
  return labels.length >= 2 && labels.every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
}

export const azureCredentialsSchema = z.object({
  tenantId: patternField(FIELD_CAPS.tenant).refine((v) => GUID.test(v) || isDomainName(v.toLowerCase().replace(/\.$/, '')), 'must be a GUID or a domain name'),
  subscriptionId: patternField().regex(GUID, 'must be a GUID'),
  clientId: patternField().regex(GUID, 'must be a GUID'),
  /** Required for a `secret` connection, refused for an `oidc` one (checked against the connection's mode). */
  clientSecret: stringField().min(1, 'must be 1-1024 characters').max(1024, 'must be 1-1024 characters').optional(),
});
export type AzureCredentialsInput = z.output<typeof azureCredentialsSchema>;

/**
 * Azure credentials as `azureCredentials` (object, JSON string or Base64) or as the four top-level
 * fields (three for an `oidc` connection: no `clientSecret`); when `azureCredentials` is present the
 * top-level fields are ignored.
 */
const azureCredentialsEither = z.union([
  z.object({ azureCredentials: jsonish(azureCredentialsSchema) }).transform((b) => b.azureCredentials),
  azureCredentialsSchema,
]);

function pickAzure(raw: unknown) {
  const input = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return input.azureCredentials !== undefined
    ? z.object({ azureCredentials: jsonish(azureCredentialsSchema) }).transform((b) => b.azureCredentials)
    : azureCredentialsSchema;
}

/**
 * The Azure credentials of a body in whichever documented form it uses; on failure the issues are
 * added to `ctx` (with their paths) and zod discards the transform's result.
 */
function azureCredentialsOf(body: Record<string, unknown>, ctx: z.RefinementCtx) {
  const parsed = pickAzure(body).safeParse(body);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return z.NEVER;
}

export const completeAzureBodySchema = z
  .object({ accountName: accountNameSchema })
  .loose()
  .transform((body, ctx) => ({ accountName: body.accountName, credentials: azureCredentialsOf(body, ctx) }));

/** POST /api/cloud-connections/azure-setup-callback. */
export const azureCallbackBodySchema = z
  .object({ token: stringField() })
  .loose()
  .transform((body, ctx) => ({ token: body.token, credentials: azureCredentialsOf(body, ctx) }));

/** For OpenAPI: the documented alternatives of the Azure credentials. */
export const azureCredentialsBodySchema = azureCredentialsEither;

export const updateConnectionBodySchema = z.object({
  accountName: z
    .string({ error: 'must be a string' })
    .trim()
    .max(100, 'must be at most 100 characters')
    .nullable()
    .optional()
    .transform((v) => (v === undefined || v === null || v === '' ? null : v)),
});

export const listConnectionsQuerySchema = z.object({
  status: z.enum([...CONNECTION_STATUSES, 'all'], { error: 'must be one of pending, connected, failed, disconnected, all' }).optional().default('connected'),
  provider: z.enum(['aws', 'gcp', 'azure'], { error: 'must be one of aws, gcp, azure' }).optional(),
  provider_id: z
    .union([z.string(), z.number()], { error: 'must be a positive integer' })
    .transform((v) => String(v))
    .pipe(z.string().max(...lengthCap(15, 'must be a positive integer')).regex(/^[1-9]\d{0,14}$/, 'must be a positive integer'))
    .transform(Number)
    .optional(),
  include_inactive: z
    .union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' })
    .transform((v) => v === true || v === 'true')
    .optional(),
  ...pageQueryFields(LIST_PAGE_MAX),
});

/** The body of every connect-*: `mode` is read by connect-aws and connect-azure only. */
export type ConnectBody = z.input<typeof connectGcpBodySchema> & { mode?: z.input<typeof connectAwsBodySchema>['mode'] | z.input<typeof connectAzureBodySchema>['mode'] };
export type CompleteAwsBody = z.input<typeof completeAwsBodySchema>;
export type CompleteGcpBody = z.input<typeof completeGcpBodySchema>;
export type CompleteAzureBody = { accountName: string; azureCredentials?: unknown } & Partial<AzureCredentialsInput>;
export type UpdateConnectionBody = z.input<typeof updateConnectionBodySchema>;
export type ListConnectionsQuery = z.input<typeof listConnectionsQuerySchema>;
export type AzureCallbackBody = { token: string; azureCredentials?: unknown } & Partial<AzureCredentialsInput>;
