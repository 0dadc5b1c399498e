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
