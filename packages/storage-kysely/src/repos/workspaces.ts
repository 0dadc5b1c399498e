import type { Selectable } from 'kysely';
import type { RoleCode, Workspace, WorkspaceRepo } from '@cloudlink/engine';
import type { WorkspacesTable } from '../schema.js';
import { idInRange, optDate } from './context.js';
import type { RepoContext } from './context.js';
import { decodeNumber, type SqlDialect } from '../dialect.js';
import { slugVacancy } from './slug-vacancy.js';

/** The domain workspace of a `workspaces` row. */
export function workspaceFromRow(d: SqlDialect, r: Selectable<WorkspacesTable>): Workspace {
  return {
      id: decodeNumber(r.id),
      name: r.name,
      slug: r.slug,
      description: r.description,
      planId: decodeNumber(r.plan_id),
      isActive: d.decodeBool(r.is_active),
      createdAt: d.decodeDate(r.created_at),
      updatedAt: d.decodeDate(r.updated_at),
      deletedAt: optDate(d, r.deleted_at),
  };
}

export function createWorkspaceRepo(repo: RepoContext): WorkspaceRepo {
  const { db, d } = repo;
  const toWorkspace = (r: Selectable<WorkspacesTable>): Workspace => workspaceFromRow(d, r);
  return {
    async createWorkspace({ name, slug, description, planId, now }) {
      const row = await db
        .insertInto('workspaces')
        .values({
          name,
          slug,
          description,
          plan_id: planId,
          is_active: d.encodeBool(true),
          created_at: d.encodeDate(now),
          updated_at: d.encodeDate(now),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toWorkspace(row);
    },
    async getWorkspaceBySlug(slug) {
      const row = await db
        .selectFrom('workspaces')
        .selectAll()
        .where('slug', '=', slug)
        .where('is_active', '=', d.encodeBool(true))
        .executeTakeFirst();
      return row ? toWorkspace(row) : null;
    },
    async getWorkspaceById(id) {
      const row = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toWorkspace(row) : null;
    },
    async setWorkspacePlan({ workspaceId, planId, now }) {
      await db
        .updateTable('workspaces')
        .set({ plan_id: planId, updated_at: d.encodeDate(now) })
        .where('id', '=', workspaceId)
        .execute();
    },
    slugVacancy: (base) => slugVacancy(repo, 'workspaces', base),
    async listWorkspacesOfUser(userId, page) {
      if (!idInRange(d, userId)) return [];
      const active = d.encodeBool(true);
      // Driven by the membership rows of the user (ix_workspace_members_user), joined to their workspace.
      let q = db
        .selectFrom('workspace_members as m')
        .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
        .innerJoin('roles as r', 'r.id', 'm.role_id')
        .selectAll('w')
        .select('r.code as role_code')
        .where('m.user_id', '=', userId)
        .where('m.is_active', '=', active)
        .where('w.is_active', '=', active);
      if (page.after !== undefined) q = q.where('w.id', '>', Math.min(page.after, d.maxId));
      const rows = await q.orderBy('w.id').limit(page.limit).execute();
      return rows.map(({ role_code, ...w }) => ({ ...toWorkspace(w), role: role_code as RoleCode }));
    },
  };
}
