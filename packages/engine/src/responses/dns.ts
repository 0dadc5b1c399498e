import { z } from 'zod';
import { orDryRun } from './plan.js';
import { DNS_PROVIDER_IDS } from '../ports/dns.js';
import { dataEnvelope, idSchema, isoDateSchema, listEnvelope, messageSchema, named, positionSchema, scopeRefSchema } from './common.js';

/** DNS zones and their record sets (docs/records.md). */

export const dnsProviderSchema = z.enum(DNS_PROVIDER_IDS);

export const dnsZoneSchema = named(
  'DnsZone',
  z.strictObject({
    id: idSchema,
    name: z.string(),
    provider: dnsProviderSchema,
    domainName: z.string(),
    hostedZoneId: z
      .string()
      .describe('The provider\'s id of the zone: Route 53 hosted zone id (without /hostedzone/), Cloudflare zone id, Cloud DNS managed zone name, or the Azure DNS zone\'s resource id'),
    nameServers: z.array(z.string()),
    comment: z.string().nullable(),
    status: z.string(),
    position: positionSchema,
    metadata: z.strictObject({
      dns_active: z.boolean().describe('The verification TXT record was found at the last sync'),
      adopted: z.boolean().describe('A zone that existed before cloudlink took it over: only the records cloudlink wrote are ever deleted, never the zone'),
      azureResourceGroup: z.string().optional().describe('Azure DNS zones only: the resource group the zone lives in'),
    }),
    createdAt: isoDateSchema,
    updatedAt: isoDateSchema,
  }),
);
export type ZoneObject = z.output<typeof dnsZoneSchema>;

/** `dns.createZone`: the zone with the project and environment it was created in. */
export const createdDnsZoneSchema = named('CreatedDnsZone', dnsZoneSchema.extend({ project: scopeRefSchema, environment: scopeRefSchema }));

const ttl = z.number().int().nonnegative();
const values = z.array(z.string()).describe('Wire forms (docs/records.md)');

/** A Route 53 alias target as the DNS port holds it. */
export const aliasTargetSchema = named('AliasTarget', z.strictObject({ hostedZoneId: z.string(), dnsName: z.string(), evaluateTargetHealth: z.boolean() }));

/** One listed record set (docs/records.md#listing): a Route 53 alias, a Cloudflare set, or a plain set. */
export const listedRecordSchema = named(
  'ListedRecordSet',
  z.union([
    z.strictObject({ name: z.string(), type: z.string(), ttl: z.null(), alias: z.literal(true), values, aliasTarget: aliasTargetSchema }),
    z.strictObject({ name: z.string(), type: z.string(), ttl: ttl.nullable(), values, proxied: z.boolean() }),
    z.strictObject({ name: z.string(), type: z.string(), ttl: ttl.nullable(), values }),
  ]),
);
export type ListedRecord = z.output<typeof listedRecordSchema>;

const change = {
  changeId: z.string().nullable().describe('Route 53 change id; null on Cloudflare and for a set left unchanged'),
  status: z.string().describe('Route 53 change status (PENDING, INSYNC); INSYNC on Cloudflare'),
};

/** One written record set of an upsert (docs/records.md#record-requests). */
export const upsertedRecordSchema = named(
  'UpsertedRecordSet',
  z.union([
    z.strictObject({
      recordName: z.string(),
      recordType: z.string(),
      alias: z.strictObject({ target: z.string(), hostedZoneId: z.string(), evaluateTargetHealth: z.boolean() }),
      ttl: z.null(),
      ...change,
    }),
    z.strictObject({ recordName: z.string(), recordType: z.string(), values, ttl: ttl.nullable(), proxied: z.boolean().optional(), ...change }),
  ]),
);

/** One deleted record set. */
export const deletedRecordSchema = named('DeletedRecordSet', z.strictObject({ recordName: z.string(), recordType: z.string(), ...change }));

export type RecordWriteItem = z.output<typeof upsertedRecordSchema> | z.output<typeof deletedRecordSchema>;

/** A single-record request answers `{ message, data }`, a batch `{ message, count, data: [] }`. */
function writeAnswer<T extends z.ZodType>(item: T) {
  return z.union([
    z.strictObject({ message: messageSchema, data: item }),
    z.strictObject({ message: messageSchema, count: z.int().nonnegative(), data: z.array(item) }),
  ]);
}

export const DNS_RESPONSES = {
  'dns.createZone': dataEnvelope(createdDnsZoneSchema),
  'dns.listZones': listEnvelope(dnsZoneSchema),
  'dns.getZone': dataEnvelope(dnsZoneSchema),
  'dns.listRecords': listEnvelope(listedRecordSchema),
  'dns.upsertRecords': orDryRun(writeAnswer(upsertedRecordSchema)),
  'dns.deleteRecords': orDryRun(writeAnswer(deletedRecordSchema)),
} as const;
