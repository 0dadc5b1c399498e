/**
 * @module resources/connections — resource connections (docs/resources.md#resource-connections): the
 * allowed pairs, the record sets a `dns` connection writes, the `resourceConnections` services, and
 * what re-points or disconnects them when the resources at their ends change.
 */
export { ALLOWED_PAIRS, allowedPair } from './pairs.js';
export type { AllowedPair } from './pairs.js';
export { connectionRecordSets, DEFAULT_CONNECTION_TTL, VERIFICATION_LABEL, VERIFICATION_TEXT } from './records.js';
export type { ConnectionOptions, ConnectionPlace } from './records.js';
export { createResourceConnectionBodySchema, listResourceConnectionsQuerySchema, updateResourceConnectionBodySchema } from './schemas.js';
export type { CreateResourceConnectionBody, ListResourceConnectionsQuery, UpdateResourceConnectionBody } from './schemas.js';
export { serializeResourceConnection } from './serialize.js';
export type { ResourceConnectionObject } from './serialize.js';
export { createResourceConnectionServices } from './service.js';
export type { CreateResourceConnectionInput, ListResourceConnectionsInput, ResourceConnectionInput, UpdateResourceConnectionInput } from './service.js';
export { checkRepoint, repointTargetConnections } from './lifecycle.js';
export { removeResource, removeSubdomain } from './removal.js';
export { createHostResourceUpdateServices, updateResourceBodySchema } from './host-update.js';
export type { DeleteSubdomainInput, UpdateResourceBody, UpdateResourceInput } from './host-update.js';
