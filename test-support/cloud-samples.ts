/**
 * Sample setup answers a customer would paste when completing a connection, shared by the tests
 * that walk GCP and Azure connections through the sandbox fakes (which accept any well-formed one).
 */

/** A GCP Workload Identity Federation config: what the setup script prints (`wifConfig`). */
export const SAMPLE_WIF_CONFIG = {
  projectId: 'my-gcp-project-12345',
  projectNumber: '123456789012',
  poolId: 'gateways-pool',
  providerId: 'gateways-oidc',
  serviceAccountEmail: 'gateways-cloud-connection@my-gcp-project-12345.iam.gserviceaccount.com',
} as const;

/** An Azure service principal: what the setup script prints (tenant, subscription, app and its secret). */
export const SAMPLE_AZURE_APP = {
  tenantId: '11111111-2222-3333-4444-555555555555',
  subscriptionId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  clientId: '99999999-8888-7777-6666-555555555555',
  clientSecret: 'Azure~Client.Secret_0123456789',
} as const;
