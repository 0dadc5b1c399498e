import type { Selectable } from 'kysely';
import type { Environment, EnvironmentRepo } from '@cloudlink/engine';
import type { EnvironmentsTable } from '../schema.js';
import { idInRange, optDate } from './context.js';
import type { RepoContext } from './context.js';
import { decodeNumber, type SqlDialect } from '../dialect.js';
import { slugVacancy } from './slug-vacancy.js';

/** The domain environment of an `environments` row. */
export function environmentFromRow(d: SqlDialect, r: Selectable<EnvironmentsTable>): Environment {
  return {
      id: decodeNumber(r.id),
      projectId: decodeNumber(r.project_id),
      name: r.name,
      slug: r.slug,
      description: r.description,
      isDefault: d.decodeBool(r.is_default),
      isActive: d.decodeBool(r.is_active),
      createdAt: d.decodeDate(r.created_at),
      updatedAt: d.decodeDate(r.updated_at),
      deletedAt: optDate(d, r.deleted_at),
  };
}

export function createEnvironmentRepo(repo: RepoContext): EnvironmentRepo {
  const { db, d } = repo;
  const active = d.encodeBool(true);
  const toEnvironment = (r: Selectable<EnvironmentsTable>): Environment => environmentFromRow(d, r);
  return {
    async createEnvironment({ projectId, name, slug, description, isDefault, now }) {
      const row = await db
        .insertInto('environments')
        .values({
          project_id: projectId,
          name,
          slug,
          description,
          is_default: d.encodeBool(isDefault),
          is_active: active,
          created_at: d.encodeDate(now),
          updated_at: d.encodeDate(now),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEnvironment(row);
    },
    async getEnvironmentBySlug(projectId, slug) {
      const row = await db
        .selectFrom('environments')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('slug', '=', slug)
        .where('is_active', '=', active)
        .executeTakeFirst();
      return row ? toEnvironment(row) : null;
    },
    slugVacancy: (projectId, base) => slugVacancy(repo, 'environments', base, projectId),
    async listEnvironments(projectId, page) {
      let q = db.selectFrom('environments').selectAll().where('project_id', '=', projectId).where('is_active', '=', active);
      if (page.after !== undefined) q = q.where('id', '>', Math.min(page.after, d.maxId));
      const rows = await q.orderBy('id').limit(page.limit).execute();
      return rows.map(toEnvironment);
    },
    async countEnvironments(projectId) {
      const row = await db
        .selectFrom('environments')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('project_id', '=', projectId)
        .where('is_active', '=', active)
        .executeTakeFirstOrThrow();
      return decodeNumber(row.n);
    },
    async maxEnvironmentsPerProject(workspaceId) {
      const rows = await db
        .selectFrom('environments as e')
        .innerJoin('projects as p', 'p.id', 'e.project_id')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('p.workspace_id', '=', workspaceId)
        .where('p.is_active', '=', active)
        .where('e.is_active', '=', active)
        .groupBy('e.project_id')
        .execute();
      return rows.reduce((max, r) => Math.max(max, decodeNumber(r.n)), 0);
    },
    async softDeleteEnvironment({ environmentId, now }) {
      if (!idInRange(d, environmentId)) return false;
      const at = d.encodeDate(now);
      const result = await db
        .updateTable('environments')
        .set({ is_active: d.encodeBool(false), deleted_at: at, updated_at: at })
        .where('id', '=', environmentId)
        .where('is_active', '=', active)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
