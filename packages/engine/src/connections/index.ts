/** @module connections — cloud connections (docs/connections.md), credential cache, templates and setup scripts. */
import type { EngineContext } from '../context.js';
import { createOidcIssuer } from '../oidc/index.js';
import { createCompletion } from './complete.js';
import { createConnectionHealth } from './health.js';
import { createConnectionManagement } from './manage.js';
import { createPlatformAccountResolver } from './platform-account.js';
import { createPublicAssets } from './public-assets.js';
import { createReverification } from './reverify.js';

/**
 * `cloudConnections` (list, connect-aws/gcp/azure, complete, verify, update, delete, Azure callback),
 * `publicAssets` (discovery, JWKS, template, scripts) and `connectionHealth` (the scheduler's side of
 * re-verification, no access checks). The project link/unlink services live in
 * `project-link.ts` and are exposed through the admin `projects` group.
 */
export function createConnectionServices(ctx: EngineContext) {
  const oidc = createOidcIssuer(ctx);
  const platformAccountId = createPlatformAccountResolver(ctx);
  const reverification = createReverification(ctx, oidc);
  return {
    cloudConnections: { ...createConnectionManagement(ctx, platformAccountId), ...createCompletion(ctx, oidc), verify: reverification.verify },
    publicAssets: createPublicAssets(ctx, oidc, platformAccountId),
    connectionHealth: createConnectionHealth(ctx, reverification),
  };
}

export { createAwsSessionCache } from './aws-sessions.js';
export { createProjectLinkServices } from './project-link.js';
export type { ConnectCloudInput, DisconnectCloudInput } from './project-link.js';
export type { ListConnectionsInput, ConnectInput, UpdateConnectionInput, DeleteConnectionInput } from './manage.js';
export type { CompleteConnectionInput, AzureSetupCallbackInput } from './complete.js';
export type { VerifyConnectionInput, VerificationOutcome } from './reverify.js';
export type { VerificationSchedule, ScheduledCheckResult } from './health.js';
export {
  createConnectionHealthScheduler,
  createInProcessJobQueue,
  DEFAULT_VERIFY_INTERVAL_SECONDS,
  DEFAULT_VERIFY_JITTER,
  DEFAULT_VERIFY_MAX_BACKOFF_SECONDS,
  VERIFY_CONNECTION_JOB,
  VERIFY_SWEEP_JOB,
} from './health-scheduler.js';
export type { ConnectionHealthScheduler, ConnectionHealthSchedulerOptions } from './health-scheduler.js';
export { CONNECTION_SECRET_AAD } from './complete.js';
export type { GcpSetupScriptInput } from './public-assets.js';
export { serializeConnection } from './serialize.js';
export type { ConnectionObject } from './serialize.js';
export { AWS_OIDC_AUDIENCE, connectionSubject, gcpAudience, gcpSubject, roleArnFor } from './verify.js';
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
