/** @module responses — the schema of every success body (docs/api-responses.md). */
export { responseRegistry, scopeRefSchema } from './common.js';
export type { ScopeRef } from './common.js';
export { workspaceSchema, workspaceDetailSchema, projectSchema, environmentSchema, memberSchema, planRestrictionsSchema, usageLineSchema, connectedCloudSchema } from './admin.js';
export type { WorkspaceObject, ProjectObject, EnvironmentObject, MemberObject, ConnectedCloudObject, UsageLine } from './admin.js';
export { auditEntrySchema } from './audit.js';
export type { AuditEntryObject } from './audit.js';
export { cloudConnectionSchema, openIdConfigurationSchema, jwksSchema, publishedJwkSchema } from './connections.js';
export type { ConnectionObject, OpenIdConfiguration, Jwks, PublishedJwk } from './connections.js';
export { issuedCredentialsSchema } from './credentials.js';
export type { IssuedCredentials } from './credentials.js';
export { dnsZoneSchema, createdDnsZoneSchema, listedRecordSchema, upsertedRecordSchema, deletedRecordSchema } from './dns.js';
export type { ZoneObject, ListedRecord, RecordWriteItem } from './dns.js';
export { importedZoneFileSchema } from './zonefile.js';
export { resourceSchema, subdomainSchema, resourceConnectionSchema } from './resources.js';
export type { ResourceObject, SubdomainObject, ResourceConnectionObject } from './resources.js';
export { dryRunAnswerSchema, orDryRun, plannedChangeSchema, recordPlanSchema } from './plan.js';
export { OPERATION_RESPONSES, responseSchemaId, responseSchemaName } from './operations.js';
export type { OperationResponse, ResponseOperation } from './operations.js';
