/**
 * @module resources — the host's own resources and subdomains (docs/resources.md): the resource-type
 * catalogue, DNS targets, `resources.register` and the `subdomains` services.
 */
export {
  canBeDnsTarget,
  HOST_RESOURCE_TYPES,
  isHostResourceType,
  isResourceType,
  RESOURCE_CATALOGUE,
  RESOURCE_TYPES,
  resourceCounts,
} from './catalogue.js';
export type { HostResourceType, ResourceType, ResourceTypeEntry } from './catalogue.js';
export { dnsTargetOf } from './dns-target.js';
export type { DnsTarget } from './dns-target.js';
export { dnsTargetSchema } from './dns-target-schema.js';
export type { DnsTargetInput } from './dns-target-schema.js';
export {
  checkDnsTargetAllowed,
  createSubdomainBodySchema,
  hostMetadataSchema,
  hostResourceFields,
  listSubdomainsQuerySchema,
  MAX_HOST_METADATA_BYTES,
  registerResourceBodySchema,
  RESERVED_METADATA_KEYS,
  resourceTypeSchema,
} from './schemas.js';
export type { CreateSubdomainBody, ListSubdomainsQuery, RegisterResourceBody } from './schemas.js';
export { createHostResourceServices, hostResourceMetadata } from './register.js';
export type { RegisterResourceInput } from './register.js';
export { createSubdomainServices, findSubdomain, subdomainName } from './subdomains.js';
export type { CreateSubdomainInput, ListSubdomainsInput, SubdomainInput } from './subdomains.js';
export { connectionOfSubdomain, serializeSubdomain } from './subdomain-object.js';
export type { SubdomainObject } from './subdomain-object.js';
