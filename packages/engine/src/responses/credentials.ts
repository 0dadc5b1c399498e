import { z } from 'zod';
import { dataEnvelope, idSchema, isoDateSchema, named } from './common.js';

/** Short-lived cloud credentials of a connection (docs/credentials.md): one shape per cloud. */
export const issuedCredentialsSchema = named(
  'IssuedCredentials',
  z.discriminatedUnion('provider', [
    z.strictObject({
      provider: z.literal('aws'),
      connectionId: idSchema,
      accountId: z.string().nullable(),
      region: z.string(),
      accessKeyId: z.string(),
      secretAccessKey: z.string(),
      sessionToken: z.string().nullable(),
      expiresAt: isoDateSchema,
    }),
    z.strictObject({
      provider: z.literal('gcp'),
      connectionId: idSchema,
      projectId: z.string().nullable(),
      serviceAccountEmail: z.string(),
      accessToken: z.string(),
      expiresAt: isoDateSchema,
    }),
    z.strictObject({
      provider: z.literal('azure'),
      connectionId: idSchema,
      tenantId: z.string(),
      subscriptionId: z.string(),
      accessToken: z.string(),
      expiresAt: isoDateSchema,
    }),
  ]),
);
export type IssuedCredentials = z.output<typeof issuedCredentialsSchema>;

export const CREDENTIAL_RESPONSES = {
  'credentials.issue': dataEnvelope(issuedCredentialsSchema),
} as const;
