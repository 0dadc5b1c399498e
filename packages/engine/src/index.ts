/**
 * @module @cloudlink/engine — the framework-agnostic core: domain, services, ports, errors.
 * No SDK, no SQL driver, no HTTP framework.
 */
export { createEngine, DEFAULT_DNS_SAFETY, DEFAULT_MAX_PENDING_CONNECTIONS } from './engine.js';
export { LIST_PAGE_MAX, RECORD_PAGE_MAX, listPageQuerySchema, recordPageQuerySchema } from './pagination/index.js';
export type { PageQuery } from './pagination/index.js';
export type { Engine, EngineOptions } from './engine.js';
/** The rule `createEngine` applies to `publicUrl`, for hosts that validate their configuration first. */
export { isSafeBaseUrl, SAFE_BASE_URL_RULE } from './connections/index.js';
export type { EngineConfig, EngineContext, EngineProviders, AwsSessionCache, AwsSessionRequest } from './context.js';
export { awsSessionName, issueCredentialsSchema, AWS_MAX_DURATION_SECONDS, AWS_MIN_DURATION_SECONDS } from './credentials/index.js';
export type { IssueCredentialsInput, HostCredentialsInput, IssuedCredentials, IssueCredentialsBody } from './credentials/index.js';
export * from './errors/index.js';
export * from './domain/index.js';
export * from './ports/index.js';
export * from './retry/index.js';
export * from './validation/index.js';
export * from './access/index.js';
export * from './runtime/index.js';
export * from './dns/index.js';
export * from './resources/connections/index.js';
export * from './resources/index.js';
export * from './secrets/index.js';
export * from './audit/index.js';
export * from './events/index.js';
// The schema of every success body, and the map the adapters read (docs/api-responses.md).
export * from './responses/index.js';
// Service input types and body/query schemas, for adapters (typed tRPC procedures, OpenAPI bodies).
export type {
  AddMemberInput,
  CreateEnvironmentInput,
  CreateProjectInput,
  CreateWorkspaceInput,
  ListMembersInput,
  ProjectSlugInput,
  ListEnvironmentsInput,
  ListPageQuery,
  ListProjectsInput,
  ListWorkspacesInput,
  RemoveMemberInput,
  UpdateMemberRoleInput,
  UpdateProjectInput,
  DeleteProjectInput,
  DeleteEnvironmentInput,
  WorkspaceSlugInput,
  ProvisionUserInput,
  ProvisionedUser,
  ProvisionedUserObject,
  FirstSightOptions,
  HostIdentity,
} from './admin/index.js';
export {
  addMemberBodySchema,
  createEnvironmentBodySchema,
  createProjectBodySchema,
  createWorkspaceBodySchema,
  updateMemberRoleBodySchema,
  updateProjectBodySchema,
  provisionUserInputSchema,
  EXTERNAL_ID_MAX_CHARS,
  FIRST_SIGHT_MAX_ENTRIES,
  provisionOnFirstSight,
} from './admin/index.js';
export type {
  AzureSetupCallbackInput,
  CompleteConnectionInput,
  ConnectCloudInput,
  ConnectInput,
  DeleteConnectionInput,
  DisconnectCloudInput,
  GcpSetupScriptInput,
  ListConnectionsInput,
  UpdateConnectionInput,
  VerifyConnectionInput,
  VerificationOutcome,
  VerificationSchedule,
  ScheduledCheckResult,
  ConnectionHealthScheduler,
  ConnectionHealthSchedulerOptions,
} from './connections/index.js';
export {
  createConnectionHealthScheduler,
  createInProcessJobQueue,
  DEFAULT_VERIFY_INTERVAL_SECONDS,
  DEFAULT_VERIFY_JITTER,
  DEFAULT_VERIFY_MAX_BACKOFF_SECONDS,
  VERIFY_CONNECTION_JOB,
  VERIFY_SWEEP_JOB,
} from './connections/index.js';
export {
  azureCallbackBodySchema,
  completeAwsBodySchema,
  completeAzureBodySchema,
  completeGcpBodySchema,
  connectAwsBodySchema,
  connectAzureBodySchema,
  connectGcpBodySchema,
  listConnectionsQuerySchema,
  updateConnectionBodySchema,
} from './connections/index.js';
