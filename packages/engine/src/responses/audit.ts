import { z } from 'zod';
import { AUDIT_ACTOR_KINDS, AUDIT_OUTCOMES } from '../domain/records.js';
import { idSchema, isoDateSchema, jsonObjectSchema, listEnvelope, named } from './common.js';

/** The workspace audit log (docs/audit.md). */

export const auditEntrySchema = named(
  'AuditEntry',
  z.strictObject({
    id: idSchema,
    workspaceId: idSchema,
    actor: z.strictObject({ kind: z.enum(AUDIT_ACTOR_KINDS), userId: idSchema.nullable().describe('Set for `user` only') }),
    operation: z.string().describe('The engine operation, e.g. `cloudConnections.complete`'),
    targets: z
      .strictObject({
        connectionId: idSchema.optional(),
        projectId: idSchema.optional(),
        environmentId: idSchema.optional(),
        resourceId: idSchema.optional(),
        zoneId: idSchema.optional(),
        resourceConnectionId: idSchema.optional(),
        userId: idSchema.optional(),
      })
      .describe('The ids the entry is about; only those that apply are present'),
    outcome: z.enum(AUDIT_OUTCOMES),
    error: z.string().nullable().describe('The `error` of a failure, else null'),
    detail: jsonObjectSchema.describe('Small, non-secret facts about the change'),
    requestId: z.string().nullable(),
    createdAt: isoDateSchema,
  }),
);
export type AuditEntryObject = z.output<typeof auditEntrySchema>;

export const AUDIT_RESPONSES = {
  'audit.list': listEnvelope(auditEntrySchema),
} as const;
