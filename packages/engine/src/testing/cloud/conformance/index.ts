import { expect } from 'vitest';
import type { AwsConnector, AzureConnector, AzureCredentials, GcpConnector, GcpWifTestInput } from '../../../ports/cloud.js';
import { describeConnectorContract, type CreateConnector } from './context.js';

export type { ConnectorFaults, ConnectorUnderTest, CreateConnector } from './context.js';

/** Refusals a runner's world holds: inputs the provider refuses, each with why. */
type Refusals<T> = readonly { readonly why: string; readonly input: T }[];

/** The AWS world: a customer role whose trust policy names the platform account and requires `externalId`. */
export interface AwsConnectorWorld {
  readonly platformAccountId: string;
  readonly role: { readonly roleArn: string; readonly externalId: string; readonly accountId: string };
}

/**
 * AWS STS: AssumeRole with the ExternalId, then GetCallerIdentity with the credentials it gave;
 * a wrong, a missing ExternalId and an unknown role are refused.
 */
export function describeAwsConnectorConformance(options: { name: string; create: CreateConnector<AwsConnector, AwsConnectorWorld> }): void {
  describeConnectorContract(`aws connector conformance: ${options.name}`, options.create, {
    async succeed({ connector, world }) {
      const credentials = await connector.assumeRole({ roleArn: world.role.roleArn, externalId: world.role.externalId, sessionName: 'conformance' });
      expect(credentials.accessKeyId).not.toBe('');
      expect((await connector.getCallerIdentity(credentials)).account).toBe(world.role.accountId);
      expect((await connector.getCallerIdentity()).account).toBe(world.platformAccountId);
    },
    refusals: ({ connector, world }) => [
      { why: 'wrong ExternalId', call: () => connector.assumeRole({ ...world.role, externalId: 'f'.repeat(32), sessionName: 'conformance' }) },
      { why: 'missing ExternalId', call: () => connector.assumeRole({ roleArn: world.role.roleArn, sessionName: 'conformance' }) },
      { why: 'unknown role', call: () => connector.assumeRole({ roleArn: `${world.role.roleArn}-missing`, externalId: world.role.externalId, sessionName: 'conformance' }) },
    ],
  });
}

/** The GCP world: a pool provider, service account and project the input reaches, and inputs it refuses. */
export interface GcpConnectorWorld {
  readonly input: GcpWifTestInput;
  readonly projectNumber: string;
  readonly refusals: Refusals<GcpWifTestInput>;
}

/** GCP workload identity federation: STS token exchange → generateAccessToken → projects.get. */
export function describeGcpConnectorConformance(options: { name: string; create: CreateConnector<GcpConnector, GcpConnectorWorld> }): void {
  describeConnectorContract(`gcp connector conformance: ${options.name}`, options.create, {
    async succeed({ connector, world }) {
      expect(await connector.testWorkloadIdentity(world.input)).toEqual({ projectId: world.input.projectId, projectNumber: world.projectNumber });
    },
    refusals: ({ connector, world }) => world.refusals.map(({ why, input }) => ({ why, call: () => connector.testWorkloadIdentity(input) })),
  });
}

/** The Azure world: an app registration with a role on a subscription, and credentials it refuses. */
export interface AzureConnectorWorld {
  readonly credentials: AzureCredentials;
  readonly displayName: string;
  readonly refusals: Refusals<AzureCredentials>;
}

/** Azure: a client-credentials token from Entra ID, then the subscription from ARM. */
export function describeAzureConnectorConformance(options: { name: string; create: CreateConnector<AzureConnector, AzureConnectorWorld> }): void {
  describeConnectorContract(`azure connector conformance: ${options.name}`, options.create, {
    async succeed({ connector, world }) {
      expect(await connector.getSubscription(world.credentials)).toEqual({ subscriptionId: world.credentials.subscriptionId, displayName: world.displayName });
    },
    refusals: ({ connector, world }) => world.refusals.map(({ why, input }) => ({ why, call: () => connector.getSubscription(input) })),
  });
}
