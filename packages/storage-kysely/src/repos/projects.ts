import type { Selectable } from 'kysely';
import type { Project, ProjectRepo } from '@cloudlink/engine';
import type { ProjectsTable } from '../schema.js';
import { idInRange, missingRow, optDate } from './context.js';
import type { RepoContext } from './context.js';
import { decodeNumber, type SqlDialect } from '../dialect.js';
import { slugVacancy } from './slug-vacancy.js';

/** The domain project of a `projects` row. */
export function projectFromRow(d: SqlDialect, r: Selectable<ProjectsTable>): Project {
  return {
      id: decodeNumber(r.id),
      workspaceId: decodeNumber(r.workspace_id),
      userId: decodeNumber(r.user_id),
      name: r.name,
      slug: r.slug,
      description: r.description,
      isDefault: d.decodeBool(r.is_default),
      isActive: d.decodeBool(r.is_active),
      connectedCloudId: r.connected_cloud_id === null ? null : decodeNumber(r.connected_cloud_id),
      createdAt: d.decodeDate(r.created_at),
      updatedAt: d.decodeDate(r.updated_at),
      deletedAt: optDate(d, r.deleted_at),
  };
}

export function createProjectRepo(repo: RepoContext): ProjectRepo {
  const { db, d } = repo;
  const active = d.encodeBool(true);
  const toProject = (r: Selectable<ProjectsTable>): Project => projectFromRow(d, r);
  return {
    async createProject({ workspaceId, userId, name, slug, description, isDefault, now }) {
      const row = await db
        .insertInto('projects')
        .values({
          workspace_id: workspaceId,
          user_id: userId,
          name,
          slug,
          description,
          is_default: d.encodeBool(isDefault),
          is_active: active,
          connected_cloud_id: null,
          created_at: d.encodeDate(now),
          updated_at: d.encodeDate(now),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toProject(row);
    },
    async getProjectBySlug(slug) {
      const row = await db.selectFrom('projects').selectAll().where('slug', '=', slug).where('is_active', '=', active).executeTakeFirst();
      return row ? toProject(row) : null;
    },
    async getProjectById(id) {
      const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toProject(row) : null;
    },
    slugVacancy: (base) => slugVacancy(repo, 'projects', base),
    async countProjects(workspaceId) {
      const row = await db
        .selectFrom('projects')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('is_active', '=', active)
        .executeTakeFirstOrThrow();
      return decodeNumber(row.n);
    },
    async setProjectConnection({ projectId, connectionId, now }) {
      const row = await db
        .updateTable('projects')
        .set({ connected_cloud_id: connectionId, updated_at: d.encodeDate(now) })
        .where('id', '=', projectId)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw missingRow('projects', projectId);
      return toProject(row);
    },
    async unlinkConnection({ connectionId, now }) {
      const result = await db
        .updateTable('projects')
        .set({ connected_cloud_id: null, updated_at: d.encodeDate(now) })
        .where('connected_cloud_id', '=', connectionId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async listProjectsWithActiveResources(connectionId) {
      const rows = await db
        .selectFrom('projects as p')
        .selectAll('p')
        .where('p.connected_cloud_id', '=', connectionId)
        .where('p.is_active', '=', active)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('resources as r')
              .select('r.id')
              .whereRef('r.project_id', '=', 'p.id')
              .where('r.is_active', '=', active),
          ),
        )
        .orderBy('p.name')
        .orderBy('p.id')
        .execute();
      return rows.map(toProject);
    },
    async listProjects(workspaceId, page) {
      let q = db.selectFrom('projects').selectAll().where('workspace_id', '=', workspaceId).where('is_active', '=', active);
      if (page.after !== undefined) q = q.where('id', '>', Math.min(page.after, d.maxId));
      const rows = await q.orderBy('id').limit(page.limit).execute();
      return rows.map(toProject);
    },
    async updateProject({ projectId, name, description, now }) {
      if (!idInRange(d, projectId)) return null;
      const row = await db
        .updateTable('projects')
        .set({
          ...(name === undefined ? {} : { name }),
          ...(description === undefined ? {} : { description }),
          updated_at: d.encodeDate(now),
        })
        .where('id', '=', projectId)
        .where('is_active', '=', active)
        .returningAll()
        .executeTakeFirst();
      return row ? toProject(row) : null;
    },
    softDeleteProject: ({ projectId, now }) =>
      repo.atomic(async (tx) => {
        if (!idInRange(d, projectId)) return false;
        const at = d.encodeDate(now);
        const inactive = d.encodeBool(false);
        const result = await tx
          .updateTable('projects')
          .set({ is_active: inactive, connected_cloud_id: null, deleted_at: at, updated_at: at })
          .where('id', '=', projectId)
          .where('is_active', '=', active)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        await tx
          .updateTable('environments')
          .set({ is_active: inactive, deleted_at: at, updated_at: at })
          .where('project_id', '=', projectId)
          .where('is_active', '=', active)
          .execute();
        return true;
      }),
  };
}
