import type { Engine } from '@cloudlink/engine';

/** A workload-identity-federation setup the sandbox's fake GCP accepts (any well-formed one is). */
export const SANDBOX_GCP_WIF = {
  projectId: 'my-gcp-project-12345',
  projectNumber: '123456789012',
  poolId: 'gateways-pool',
  providerId: 'gateways-oidc',
  serviceAccountEmail: 'gateways-cloud-connection@my-gcp-project-12345.iam.gserviceaccount.com',
} as const;

/** A service principal the sandbox's fake Azure accepts. */
export const SANDBOX_AZURE_APP = {
  tenantId: '11111111-2222-3333-4444-555555555555',
  subscriptionId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  clientId: '99999999-8888-7777-6666-555555555555',
  clientSecret: 'Sup3r~Secret.Value_xyz',
} as const;

/**
 * Connect a GCP or Azure cloud connection through the engine's own flow (against the sandbox's
 * fake clouds) and link the project to it, so `native` zones open on Cloud DNS / Azure DNS with a
 * token source built from that connection. The engine must run over `createSandboxProviders()`
 * (with `oidc` pointing at this engine's JWKS for GCP). Returns the connection id.
 */
export async function linkSandboxCloud(
  engine: Engine,
  actor: { userId: number },
  at: { workspaceSlug: string; projectSlug: string },
  cloud: 'gcp' | 'azure',
): Promise<number> {
  const { workspaceSlug } = at;
  const { data } = cloud === 'gcp' ? await engine.cloudConnections.connectGcp(actor, { workspaceSlug }) : await engine.cloudConnections.connectAzure(actor, { workspaceSlug });
  const account = cloud === 'gcp' ? { accountName: 'gcp', wifConfig: SANDBOX_GCP_WIF } : { accountName: 'az', ...SANDBOX_AZURE_APP };
  await engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, ...account });
  await engine.projects.connectCloud(actor, { projectSlug: at.projectSlug, connectionId: data.connectionId });
  return data.connectionId;
}
