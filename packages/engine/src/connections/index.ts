/** @module connections — cloud connections (docs/connections.md), credential cache, templates and setup scripts. */
import type { EngineContext } from '../context.js';
import { createOidcIssuer } from '../oidc/index.js';
import { createCompletion } from './complete.js';
import { createConnectionManagement } from './manage.js';
import { createPlatformAccountResolver } from './platform-account.js';
import { createPublicAssets } from './public-assets.js';

/**
 * `cloudConnections` (list, connect-aws/gcp/azure, complete, update, delete, Azure callback) and
 * `publicAssets` (discovery, JWKS, template, scripts). The project link/unlink services live in
 * `project-link.ts` and are exposed through the admin `projects` group.
 */
export function createConnectionServices(ctx: EngineContext) {
  const oidc = createOidcIssuer(ctx);
  const platformAccountId = createPlatformAccountResolver(ctx);
  return {
    cloudConnections: { ...createConnectionManagement(ctx, platformAccountId), ...createCompletion(ctx, oidc) },
    publicAssets: createPublicAssets(ctx, oidc, platformAccountId),
  };
}

export { createAwsSessionCache } from './aws-sessions.js';
export { createProjectLinkServices } from './project-link.js';
export type { ConnectCloudInput, DisconnectCloudInput } from './project-link.js';
export type { ListConnectionsInput, ConnectInput, UpdateConnectionInput, DeleteConnectionInput } from './manage.js';
export type { CompleteConnectionInput, AzureSetupCallbackInput } from './complete.js';
export { CONNECTION_SECRET_AAD } from './complete.js';
export type { GcpSetupScriptInput } from './public-assets.js';
export { serializeConnection } from './serialize.js';
export type { ConnectionObject } from './serialize.js';
export { gcpAudience, gcpSubject, roleArnFor } from './verify.js';
export {
  accountNameSchema,
  azureCallbackBodySchema,
  azureCredentialsBodySchema,
  azureCredentialsSchema,
  completeAwsBodySchema,
  completeAzureBodySchema,
  completeGcpBodySchema,
  connectAwsBodySchema,
  connectAzureBodySchema,
  connectGcpBodySchema,
  decodeJsonObject,
  listConnectionsQuerySchema,
  updateConnectionBodySchema,
  wifConfigSchema,
} from './schemas.js';
export type { WifConfig, AzureCredentialsInput } from './schemas.js';
export * from './assets/index.js';
