import type { Selectable } from 'kysely';
import type { AuditActorKind, AuditEntry, AuditOutcome, AuditRepo, AuditTargets } from '@cloudlink/engine';
import type { AuditLogTable } from '../schema.js';
import { idInRange } from './context.js';
import type { RepoContext } from './context.js';
import { decodeNumber } from '../dialect.js';

/** The audit log: append and list only (the table's triggers refuse UPDATE and DELETE anyway). */
export function createAuditRepo({ db, d }: RepoContext): AuditRepo {
  const toEntry = (r: Selectable<AuditLogTable>): AuditEntry => ({
    id: decodeNumber(r.id),
    workspaceId: decodeNumber(r.workspace_id),
    actor: { kind: r.actor_kind as AuditActorKind, userId: r.actor_user_id === null ? null : decodeNumber(r.actor_user_id) },
    operation: r.operation,
    targets: d.decodeJson(r.targets) as AuditTargets,
    outcome: r.outcome as AuditOutcome,
    error: r.error,
    detail: d.decodeJson(r.detail) as Record<string, unknown>,
    requestId: r.request_id,
    createdAt: d.decodeDate(r.created_at),
  });
  return {
    async appendAudit(entry) {
      const row = await db
        .insertInto('audit_log')
        .values({
          workspace_id: entry.workspaceId,
          actor_kind: entry.actor.kind,
          actor_user_id: entry.actor.userId,
          operation: entry.operation,
          connection_id: entry.targets.connectionId ?? null,
          targets: d.encodeJson(entry.targets),
          outcome: entry.outcome,
          error: entry.error,
          detail: d.encodeJson(entry.detail),
          request_id: entry.requestId,
          created_at: d.encodeDate(entry.createdAt),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEntry(row);
    },
    async listAudit(workspaceId, filter, page) {
      const { connectionId, operation } = filter;
      if (!idInRange(d, workspaceId) || (connectionId !== undefined && !idInRange(d, connectionId))) return [];
      let q = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
      if (connectionId !== undefined) q = q.where('connection_id', '=', connectionId);
      if (operation !== undefined) q = q.where('operation', '=', operation);
      // A position beyond the id column's range is past every row: no bound (the value would not bind).
      if (page.before !== undefined && idInRange(d, page.before)) q = q.where('id', '<', page.before);
      const rows = await q.orderBy('id', 'desc').limit(page.limit).execute();
      return rows.map(toEntry);
    },
  };
}
