import { describe, expect, it } from 'vitest';
import type { NewAuditEntry } from '../../../ports/storage.js';
import { T0, at, raw, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

/** Past every id, and past the id column's range (Postgres `integer`). */
const BEYOND = 2 ** 40;

/** audit.*: the append-only log of docs/audit.md. */
export function describeAuditLog(ctx: StorageConformanceContext): void {
  const f = () => fixtures(ctx.storage);
  const entry = (workspaceId: number, userId: number, over: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
    workspaceId,
    actor: { kind: 'user', userId },
    operation: 'cloudConnections.complete',
    targets: { connectionId: 7, projectId: 3 },
    outcome: 'success',
    error: null,
    detail: { provider: 'aws', nested: { ok: true } },
    requestId: 'req-1',
    createdAt: T0,
    ...over,
  });

  describe('audit.appendAudit', () => {
    it('stores every column; targets and detail as JSON, connection_id copied from the targets', async () => {
      const s = await f().scope();
      const e = await ctx.storage.audit.appendAudit(entry(s.workspace.id, s.user.id));
      expect(e).toEqual({ id: e.id, ...entry(s.workspace.id, s.user.id) });
      const row = await ctx.row('audit_log', e.id);
      expect([raw.num(row.workspace_id), row.actor_kind, raw.num(row.actor_user_id), row.operation, raw.num(row.connection_id)]).toEqual([
        s.workspace.id, 'user', s.user.id, 'cloudConnections.complete', 7,
      ]);
      expect([raw.json(row.targets), raw.json(row.detail), row.outcome, row.error, row.request_id, raw.time(row.created_at)]).toEqual([
        { connectionId: 7, projectId: 3 }, { provider: 'aws', nested: { ok: true } }, 'success', null, 'req-1', T0.getTime(),
      ]);
    });

    it('stores a failure by a system actor without a user, a request id or a connection', async () => {
      const s = await f().scope();
      const input = entry(s.workspace.id, s.user.id, {
        actor: { kind: 'system', userId: null }, targets: {}, outcome: 'failure', error: 'Forbidden', detail: {}, requestId: null,
      });
      const e = await ctx.storage.audit.appendAudit(input);
      expect(e).toEqual({ id: e.id, ...input });
      expect((await ctx.row('audit_log', e.id)).connection_id).toBeNull();
    });

    it('is written with the transaction: a rollback leaves no entry', async () => {
      const s = await f().scope();
      await expect(
        ctx.storage.transaction(async (tx) => {
          await tx.audit.appendAudit(entry(s.workspace.id, s.user.id));
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await ctx.rows('audit_log')).toEqual([]);
      await ctx.storage.transaction((tx) => tx.audit.appendAudit(entry(s.workspace.id, s.user.id)));
      expect(await ctx.rows('audit_log')).toHaveLength(1);
    });

    it('has no method to change or remove an entry', () => {
      expect(Object.keys(ctx.storage.audit).sort()).toEqual(['appendAudit', 'listAudit']);
    });
  });

  describe('audit.listAudit', () => {
    it('lists one workspace newest first, by keyset pages on id descending', async () => {
      const s = await f().scope();
      const other = await f().workspace();
      const mine = [];
      for (let i = 0; i < 5; i++) {
        mine.push(await ctx.storage.audit.appendAudit(entry(s.workspace.id, s.user.id, { createdAt: at(i) })));
        await ctx.storage.audit.appendAudit(entry(other.id, s.user.id));
      }
      const newestFirst = [...mine].reverse();
      const first = await ctx.storage.audit.listAudit(s.workspace.id, {}, { limit: 2 });
      expect(first).toEqual(newestFirst.slice(0, 2));
      const second = await ctx.storage.audit.listAudit(s.workspace.id, {}, { before: first[1]!.id, limit: 2 });
      expect(second).toEqual(newestFirst.slice(2, 4));
      expect(await ctx.storage.audit.listAudit(s.workspace.id, {}, { before: second[1]!.id, limit: 2 })).toEqual(newestFirst.slice(4));
      expect(await ctx.storage.audit.listAudit(s.workspace.id, {}, { before: BEYOND, limit: 10 })).toEqual(newestFirst);
      expect(await ctx.storage.audit.listAudit(BEYOND, {}, { limit: 10 })).toEqual([]);
    });

    it('filters by connection and by operation, together or alone', async () => {
      const s = await f().scope();
      const a = await ctx.storage.audit.appendAudit(entry(s.workspace.id, s.user.id, { targets: { connectionId: 1 }, operation: 'cloudConnections.update' }));
      const b = await ctx.storage.audit.appendAudit(entry(s.workspace.id, s.user.id, { targets: { connectionId: 2 }, operation: 'cloudConnections.update' }));
      const c = await ctx.storage.audit.appendAudit(entry(s.workspace.id, s.user.id, { targets: { connectionId: 1 }, operation: 'cloudConnections.delete' }));
      const d = await ctx.storage.audit.appendAudit(entry(s.workspace.id, s.user.id, { targets: { projectId: 1 }, operation: 'projects.create' }));
      const list = (filter: { connectionId?: number; operation?: string }) =>
        ctx.storage.audit.listAudit(s.workspace.id, filter, { limit: 10 }).then((rows) => rows.map((r) => r.id));
      expect(await list({ connectionId: 1 })).toEqual([c.id, a.id]);
      expect(await list({ operation: 'cloudConnections.update' })).toEqual([b.id, a.id]);
      expect(await list({ connectionId: 1, operation: 'cloudConnections.update' })).toEqual([a.id]);
      expect(await list({})).toEqual([d.id, c.id, b.id, a.id]);
      expect(await list({ connectionId: BEYOND })).toEqual([]);
      expect(await list({ operation: 'nope' })).toEqual([]);
    });
  });
}
