import { z } from 'zod';
import { CLOUD_PROVIDERS } from '../domain/plans.js';
import { CONNECTION_STATUSES } from '../domain/records.js';
import { dataEnvelope, idSchema, isoDateSchema, listEnvelope, messageOnlySchema, named } from './common.js';

/** Cloud connections and the public documents of their setup (docs/connections.md). */

const providerNames = CLOUD_PROVIDERS.map((p) => p.name) as [(typeof CLOUD_PROVIDERS)[number]['name'], ...(typeof CLOUD_PROVIDERS)[number]['name'][]];

export const connectionStatusSchema = z.enum(CONNECTION_STATUSES);

/** The connection object: never a role ARN, ExternalId, stack name, secret or setup token. */
export const cloudConnectionSchema = named(
  'CloudConnection',
  z.strictObject({
    id: idSchema,
    cloudProvider: z.strictObject({ id: idSchema, name: z.enum(providerNames), displayName: z.string() }),
    accountId: z.string().nullable(),
    accountName: z.string().nullable(),
    region: z.string(),
    connectionStatus: connectionStatusSchema,
    mode: z
      .enum(['role', 'secret', 'oidc'])
      .describe('How it authenticates: aws role (platform role + ExternalId) or oidc; azure secret or oidc; gcp always oidc'),
    connectedAt: isoDateSchema.nullable(),
    failureReason: z.string().nullable(),
    isActive: z.boolean(),
    createdAt: isoDateSchema,
    updatedAt: isoDateSchema,
    lastVerifiedAt: isoDateSchema.nullable().describe('When a re-verification last reached a verdict or an outage; null until the first'),
    lastVerificationError: z.string().nullable().describe('Why the last re-verification did not pass; null after a pass'),
  }),
);
export type ConnectionObject = z.output<typeof cloudConnectionSchema>;

const count = () => z.int().nonnegative();

export const connectionSummarySchema = named(
  'CloudConnectionSummary',
  z.strictObject({
    total: count(),
    byStatus: z.strictObject({ connected: count(), pending: count(), failed: count(), disconnected: count() }),
  }),
  'Counts of every connection of the workspace, whatever the filters and the page',
);

const pending = z.literal('pending');

export const connectAwsResultSchema = named(
  'ConnectAwsResult',
  z.strictObject({
    connectionId: idSchema,
    connectionUrl: z.url().describe('CloudFormation quick-create link of the stack'),
    stackName: z.string(),
    region: z.string(),
    status: pending,
    externalId: z.string(),
  }),
);

export const connectGcpResultSchema = named(
  'ConnectGcpResult',
  z.strictObject({
    connectionId: idSchema,
    connectionUrl: z.url(),
    setupCommand: z.string().describe('The command to paste into Cloud Shell'),
    setupScriptUrl: z.url(),
    wifCommand: z.string().describe('Same as setupCommand (older name)'),
    wifScriptUrl: z.url().describe('Same as setupScriptUrl (older name)'),
    region: z.string(),
    status: pending,
  }),
);

export const connectAzureResultSchema = named(
  'ConnectAzureResult',
  z.strictObject({
    connectionId: idSchema,
    connectionUrl: z.url(),
    setupCommand: z.string().describe('The command to paste into Azure Cloud Shell; carries the one-time setup token'),
    setupScriptUrl: z.url(),
    region: z.string(),
    status: pending,
    setupTokenExpiresAt: isoDateSchema,
  }),
);

export const connectionUpdateResultSchema = named(
  'CloudConnectionUpdate',
  z.strictObject({
    id: idSchema,
    accountName: z.string().nullable(),
    accountId: z.string().nullable(),
    region: z.string(),
    connectionStatus: connectionStatusSchema,
    updatedAt: isoDateSchema,
  }),
);

/** The OIDC discovery document of the issuer (what GCP reads to find the JWKS). */
export const openIdConfigurationSchema = named(
  'OpenIdConfiguration',
  z.strictObject({
    issuer: z.url(),
    jwks_uri: z.url(),
    response_types_supported: z.array(z.string()),
    subject_types_supported: z.array(z.string()),
    id_token_signing_alg_values_supported: z.array(z.string()),
    claims_supported: z.array(z.string()),
  }),
);
export type OpenIdConfiguration = z.output<typeof openIdConfigurationSchema>;

export const publishedJwkSchema = named(
  'PublishedJwk',
  z.strictObject({ kty: z.string(), alg: z.literal('RS256'), use: z.literal('sig'), kid: z.string(), n: z.string(), e: z.string() }),
);
export type PublishedJwk = z.output<typeof publishedJwkSchema>;

export const jwksSchema = named('JsonWebKeySet', z.strictObject({ keys: z.array(publishedJwkSchema) }));
export type Jwks = z.output<typeof jwksSchema>;

export const CONNECTION_RESPONSES = {
  'cloudConnections.list': listEnvelope(cloudConnectionSchema, { summary: connectionSummarySchema }),
  'cloudConnections.connectAws': dataEnvelope(connectAwsResultSchema),
  'cloudConnections.connectGcp': dataEnvelope(connectGcpResultSchema),
  'cloudConnections.connectAzure': dataEnvelope(connectAzureResultSchema),
  'cloudConnections.complete': dataEnvelope(cloudConnectionSchema),
  'cloudConnections.verify': dataEnvelope(cloudConnectionSchema),
  'cloudConnections.update': dataEnvelope(connectionUpdateResultSchema),
  'cloudConnections.delete': messageOnlySchema,
  'cloudConnections.azureSetupCallback': dataEnvelope(cloudConnectionSchema),
  'publicAssets.openidConfiguration': openIdConfigurationSchema,
  'publicAssets.jwks': jwksSchema,
  'publicAssets.awsTemplate': z.string().describe('CloudFormation template (YAML)'),
  'publicAssets.gcpSetupScript': z.string().describe('Shell script'),
  'publicAssets.azureSetupScript': z.string().describe('Shell script'),
} as const;

