import type { AuditEntry, AuditTargets } from '../../../domain/records.js';
import type { AuditRepo } from '../../../ports/storage.js';
import { insertRow } from './constraints.js';
import type { AuditLogRow } from './rows.js';
import type { Run } from './run.js';

function toAuditEntry(r: AuditLogRow): AuditEntry {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    actor: { kind: r.actor_kind, userId: r.actor_user_id },
    operation: r.operation,
    targets: structuredClone(r.targets) as AuditTargets,
    outcome: r.outcome,
    error: r.error,
    detail: structuredClone(r.detail),
    requestId: r.request_id,
    createdAt: new Date(r.created_at.getTime()),
  };
}

/** JSON round trip, as the SQL storages keep `targets` and `detail` as JSON text. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The audit log: append and list only, like the SQL table (whose triggers refuse UPDATE and DELETE). */
export function createAuditRepo(run: Run): AuditRepo {
  return {
    appendAudit: (entry) =>
      run((db) =>
        toAuditEntry(
          insertRow(db, 'audit_log', {
            workspace_id: entry.workspaceId,
            actor_kind: entry.actor.kind,
            actor_user_id: entry.actor.userId,
            operation: entry.operation,
            connection_id: entry.targets.connectionId ?? null,
            targets: asJson({ ...entry.targets }) as Record<string, number>,
            outcome: entry.outcome,
            error: entry.error,
            detail: asJson({ ...entry.detail }),
            request_id: entry.requestId,
            created_at: entry.createdAt,
          }),
        ),
      ),
    listAudit: (workspaceId, filter, page) =>
      run((db) =>
        db.tables.audit_log
          .filter(
            (r) =>
              r.workspace_id === workspaceId &&
              (filter.connectionId === undefined || r.connection_id === filter.connectionId) &&
              (filter.operation === undefined || r.operation === filter.operation) &&
              (page.before === undefined || r.id < page.before),
          )
          .sort((a, b) => b.id - a.id)
          .slice(0, page.limit)
          .map(toAuditEntry),
      ),
  };
}
