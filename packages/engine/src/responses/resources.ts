import { orDryRun } from './plan.js';
import { z } from 'zod';
import { RESOURCE_CONNECTION_STATUSES } from '../domain/records.js';
import { RESOURCE_SUBTYPES } from '../dns/schemas.js';
import { dataEnvelope, idSchema, isoDateSchema, jsonObjectSchema, listEnvelope, named, positionSchema, scopeRefSchema } from './common.js';
import { aliasTargetSchema, dnsProviderSchema } from './dns.js';

/** Resources, subdomains and resource connections (docs/resources.md). */

export const resourceSchema = named(
  'Resource',
  z.strictObject({
    id: idSchema,
    resourceType: z.string().describe('A type of the catalogue (docs/resources.md)'),
    resourceId: z.string().nullable().describe("The provider's id (a hosted zone id), or null"),
    name: z.string(),
    project: scopeRefSchema,
    environment: scopeRefSchema,
    region: z.string().nullable(),
    status: z.string(),
    metadata: jsonObjectSchema.describe("Free-form: the host's metadata of a registered resource (with its dnsTarget), a zone's provider details"),
    position: positionSchema,
    createdAt: isoDateSchema,
    updatedAt: isoDateSchema,
  }),
);
export type ResourceObject = z.output<typeof resourceSchema>;

type CountKey = (typeof RESOURCE_SUBTYPES)[number] | 'total';
const countShape = Object.fromEntries([...RESOURCE_SUBTYPES, 'total'].map((k) => [k, z.int().nonnegative()])) as Record<CountKey, z.ZodInt>;

/** `counts` of a resource list: one key per catalogue type (0 when none) and `total`, for the whole environment. */
export const resourceCountsSchema = named('ResourceCounts', z.strictObject(countShape));

export const resourceListFiltersSchema = named(
  'ResourceListFilters',
  z.strictObject({
    type: z.string().describe('`all` or the singular type asked for'),
    environment: z.string(),
    region: z.string().nullable(),
    status: z.string().nullable(),
    state: z.string().nullable(),
  }),
);

export const resourceSyncResultSchema = named(
  'ResourceSyncResult',
  z.strictObject({
    id: idSchema,
    resourceId: z.string().nullable(),
    dns_active: z.boolean(),
    domainChecked: z.string(),
    syncedAt: isoDateSchema,
  }),
);

export const subdomainSchema = named(
  'Subdomain',
  z.strictObject({
    id: idSchema,
    name: z.string(),
    fqdn: z.string(),
    zone: z.strictObject({ id: idSchema, domainName: z.string(), provider: dnsProviderSchema }).nullable(),
    connection: z.strictObject({ id: idSchema, targetId: idSchema, status: z.enum(RESOURCE_CONNECTION_STATUSES) }).nullable(),
    createdAt: isoDateSchema,
    updatedAt: isoDateSchema,
  }),
);
export type SubdomainObject = z.output<typeof subdomainSchema>;

/** A connection's end: `resourceType` and `name` are null once the resource is gone. */
const endSchema = z.strictObject({ id: idSchema, resourceType: z.string().nullable(), name: z.string().nullable() });

/** A record set a resource connection wrote, exactly as sent. */
export const connectionRecordSetSchema = named(
  'ConnectionRecordSet',
  z.strictObject({
    name: z.string(),
    type: z.string(),
    ttl: z.number().int().nonnegative().nullable(),
    values: z.array(z.string()),
    alias: aliasTargetSchema.optional(),
    proxied: z.boolean().optional(),
  }),
);

export const resourceConnectionSchema = named(
  'ResourceConnection',
  z.strictObject({
    id: idSchema,
    connectionType: z.string(),
    status: z.enum(RESOURCE_CONNECTION_STATUSES),
    source: endSchema,
    target: endSchema,
    zoneId: idSchema.nullable(),
    recordName: z.string().nullable(),
    records: z.array(connectionRecordSetSchema),
    changeId: z.string().nullable(),
    createdAt: isoDateSchema,
    updatedAt: isoDateSchema,
  }),
);
export type ResourceConnectionObject = z.output<typeof resourceConnectionSchema>;

/** A delete answering the id of what it removed. */
const deleted = () => dataEnvelope(z.strictObject({ id: idSchema }));

export const RESOURCE_RESPONSES = {
  'resources.list': listEnvelope(resourceSchema, { project: scopeRefSchema, filters: resourceListFiltersSchema, counts: resourceCountsSchema }),
  'resources.get': dataEnvelope(resourceSchema),
  'resources.register': dataEnvelope(resourceSchema),
  'resources.update': dataEnvelope(resourceSchema),
  'resources.sync': dataEnvelope(resourceSyncResultSchema),
  'resources.delete': orDryRun(dataEnvelope(z.strictObject({ id: idSchema, resourceType: z.string() }))),
  'subdomains.create': dataEnvelope(subdomainSchema),
  'subdomains.list': listEnvelope(subdomainSchema),
  'subdomains.get': dataEnvelope(subdomainSchema),
  'subdomains.delete': deleted(),
  'resourceConnections.create': orDryRun(dataEnvelope(resourceConnectionSchema)),
  'resourceConnections.list': listEnvelope(resourceConnectionSchema),
  'resourceConnections.get': dataEnvelope(resourceConnectionSchema),
  'resourceConnections.update': orDryRun(dataEnvelope(resourceConnectionSchema)),
  'resourceConnections.delete': orDryRun(deleted()),
} as const;
