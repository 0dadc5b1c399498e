import { z } from 'zod';
import { messageSchema, named } from './common.js';

/** The answer of a dry run (docs/records.md#plan-before-apply): the plan, nothing sent, nothing stored. */

const plannedValueSchema = named(
  'PlannedRecordValue',
  z.strictObject({
    ttl: z.number().int().nonnegative().nullable(),
    values: z.array(z.string()).describe('Wire forms (docs/records.md)'),
    alias: z.strictObject({ target: z.string(), hostedZoneId: z.string(), evaluateTargetHealth: z.boolean() }).optional(),
    proxied: z.boolean().optional(),
  }),
);

export const plannedChangeSchema = named(
  'PlannedRecordChange',
  z.strictObject({
    action: z.enum(['create', 'update', 'delete', 'unchanged']).describe('What the write does to this record set; `unchanged` sets are named by the request but keep their content'),
    recordName: z.string(),
    recordType: z.string(),
    old: plannedValueSchema.nullable().describe('The set as the provider holds it now; null for a create'),
    new: plannedValueSchema.nullable().describe('The set as it will be; null for a delete'),
  }),
);

export const recordPlanSchema = named(
  'RecordPlan',
  z.strictObject({
    changes: z.array(plannedChangeSchema).describe('One entry per record set the write names, in the order it would send them'),
    providerCalls: z
      .array(
        z.strictObject({
          call: z.string().describe('The provider call as a failure would name it (`ChangeResourceRecordSets`, `POST /zones/:id/dns_records/batch`, …)'),
          changes: z.array(z.int().nonnegative()).describe('Indexes into `changes` this call carries'),
        }),
      )
      .describe('The write calls the real run would make, in order'),
    summary: z.strictObject({
      create: z.int().nonnegative(),
      update: z.int().nonnegative(),
      delete: z.int().nonnegative(),
      unchanged: z.int().nonnegative(),
      existingRecordSets: z.int().nonnegative().describe('Record sets of the zone (NS and SOA left out) the threshold counted against'),
    }),
    safety: z.strictObject({
      thresholdPercent: z.number(),
      minExistingRecordSets: z.int().nonnegative(),
      applies: z.boolean().describe('The zone holds at least minExistingRecordSets and the write is guarded'),
      wouldRefuse: z.boolean().describe('The real run would be refused with 409 `Too many changes` unless force=true'),
      force: z.boolean(),
    }),
  }),
);

export const dryRunAnswerSchema = named(
  'DryRunAnswer',
  z.strictObject({ message: messageSchema, dryRun: z.literal(true), data: recordPlanSchema }),
  'A dry run (dryRun=true): the plan of the write; nothing was sent to the provider or stored',
);

/** An operation that takes `dryRun`: its normal answer, or the dry-run answer. */
export function orDryRun<T extends z.ZodType>(answer: T) {
  return z.union([answer, dryRunAnswerSchema]);
}
