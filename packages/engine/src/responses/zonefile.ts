import { z } from 'zod';
import { messageSchema, named } from './common.js';

/** Zone-file export and import answers (docs/records.md#zone-files). */

const plannedValue = z.strictObject({
  ttl: z.number().int().nonnegative().nullable(),
  values: z.array(z.string()),
  alias: z.strictObject({ target: z.string(), hostedZoneId: z.string(), evaluateTargetHealth: z.boolean() }).optional(),
  proxied: z.boolean().optional(),
});

/** The plan a dry run answers (docs/records.md#plan-before-apply), as the zone-file import shows it. */
export const zoneFilePlanSchema = named(
  'ZoneFileImportPlan',
  z.strictObject({
    changes: z.array(
      z.strictObject({
        action: z.enum(['create', 'update', 'delete', 'unchanged']),
        recordName: z.string(),
        recordType: z.string(),
        old: plannedValue.nullable(),
        new: plannedValue.nullable(),
      }),
    ),
    providerCalls: z.array(z.strictObject({ call: z.string(), changes: z.array(z.int().nonnegative()) })),
    summary: z.strictObject({
      create: z.int().nonnegative(),
      update: z.int().nonnegative(),
      delete: z.int().nonnegative(),
      unchanged: z.int().nonnegative(),
      existingRecordSets: z.int().nonnegative(),
    }),
    safety: z.strictObject({
      thresholdPercent: z.number(),
      minExistingRecordSets: z.int().nonnegative(),
      applies: z.boolean(),
      wouldRefuse: z.boolean(),
      force: z.boolean(),
    }),
  }),
);

export const ZONEFILE_RESPONSES = {
  'dns.exportZoneFile': z.strictObject({ message: messageSchema, data: z.strictObject({ zoneFile: z.string().describe('RFC 1035 master file') }) }),
  /** REST streams the file itself (text/dns); the body is the text. */
  'dns.streamZoneFile': z.string(),
  'dns.importZoneFile': z.union([
    z.strictObject({
      message: messageSchema,
      data: z.strictObject({
        recordSets: z.int().nonnegative().describe('Record sets in the file (each upserted)'),
        skippedRecords: z.int().nonnegative().describe('Apex SOA and NS records of the file, left to the provider'),
        deletedRecordSets: z.int().nonnegative().describe('replace=true: live sets the file does not hold, deleted'),
        changeIds: z.array(z.string()).describe('Route 53 change ids of the batches sent; empty on Cloudflare'),
      }),
    }),
    z.strictObject({ message: messageSchema, dryRun: z.literal(true), data: zoneFilePlanSchema }),
  ]),
} as const;
