import { z } from 'zod';
import { workspaceScope } from '../access/index.js';
import type { EngineContext } from '../context.js';
import type { AuditEntry } from '../domain/records.js';
import type { Actor } from '../ports/runtime.js';
import { decodeCursor, encodeCursor, LIST_PAGE_MAX, pageQueryFields } from '../pagination/index.js';
import { lengthCap } from '../validation/caps.js';
import { parseInput } from '../validation/index.js';
import type { AuditEntryObject } from '../responses/audit.js';
import type { OperationResponse } from '../responses/operations.js';

/** Operation names are `<group>.<method>`: letters only, so a filter can never be anything else. */
const OPERATION = /^[a-z]{1,40}\.[a-z]{1,40}$/i;

/** `GET …/audit` query: `connectionId`, `operation`, `limit`, `cursor`. */
export const listAuditQuerySchema = z.object({
  connectionId: z
    .union([z.string(), z.number()], { error: 'must be a positive integer' })
    .transform((v) => String(v))
    .pipe(z.string().max(...lengthCap(15, 'must be a positive integer')).regex(/^[1-9]\d{0,14}$/, 'must be a positive integer'))
    .transform(Number)
    .optional(),
  operation: z
    .string({ error: 'must be an operation name such as cloudConnections.complete' })
    .max(...lengthCap(81, 'must be an operation name such as cloudConnections.complete'))
    .regex(OPERATION, 'must be an operation name such as cloudConnections.complete')
    .optional(),
  ...pageQueryFields(LIST_PAGE_MAX),
});

export type ListAuditInput = { readonly workspaceSlug: string } & z.input<typeof listAuditQuerySchema>;

const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The REST/tRPC shape of an entry: ISO time, everything else as stored. */
export function serializeAuditEntry(e: AuditEntry): AuditEntryObject {
  return {
    id: e.id,
    workspaceId: e.workspaceId,
    actor: e.actor,
    operation: e.operation,
    targets: e.targets,
    outcome: e.outcome,
    error: e.error,
    detail: e.detail,
    requestId: e.requestId,
    createdAt: e.createdAt.toISOString(),
  };
}

/** `audit.list`: the workspace's log, newest first, for holders of `canViewAuditLog` (owners and admins). */
export function createAuditServices(ctx: EngineContext) {
  return {
    async list(actor: Actor | null, input: ListAuditInput): Promise<OperationResponse<'audit.list'>> {
      const { workspace } = await workspaceScope(ctx, actor, input?.workspaceSlug, 'canViewAuditLog');
      const query = parseInput(listAuditQuerySchema, input);
      const limit = query.limit ?? LIST_PAGE_MAX;
      // The cursor carries the id of the last entry shown; the next page holds the older ones.
      const before = decodeCursor(query.cursor, 'audit', workspace.id, positiveId);
      const filter = { ...(query.connectionId === undefined ? {} : { connectionId: query.connectionId }), ...(query.operation === undefined ? {} : { operation: query.operation }) };
      const rows = await ctx.storage.audit.listAudit(workspace.id, filter, before === undefined ? { limit: limit + 1 } : { before, limit: limit + 1 });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      const data = items.map(serializeAuditEntry);
      return {
        message: 'Audit log retrieved successfully',
        count: data.length,
        data,
        nextCursor: rows.length > limit && last ? encodeCursor('audit', workspace.id, last.id) : null,
      };
    },
  };
}
