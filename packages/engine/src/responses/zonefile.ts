import { z } from 'zod';
import { messageSchema, named } from './common.js';
import { orDryRun } from './plan.js';

/** Zone-file export and import answers (docs/records.md#zone-files). */

export const importedZoneFileSchema = named(
  'ImportedZoneFile',
  z.strictObject({
    recordSets: z.int().nonnegative().describe('Record sets in the file (each upserted)'),
    skippedRecords: z.int().nonnegative().describe('Apex SOA and NS records of the file, left to the provider'),
    deletedRecordSets: z.int().nonnegative().describe('replace=true: live sets the file does not hold, deleted'),
    changeIds: z.array(z.string()).describe('Route 53 change ids of the batches sent; empty on Cloudflare'),
  }),
);

export const ZONEFILE_RESPONSES = {
  'dns.exportZoneFile': z.strictObject({ message: messageSchema, data: z.strictObject({ zoneFile: z.string().describe('RFC 1035 master file') }) }),
  'dns.importZoneFile': orDryRun(z.strictObject({ message: messageSchema, data: importedZoneFileSchema })),
} as const;
