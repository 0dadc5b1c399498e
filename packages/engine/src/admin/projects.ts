import { coversScope, environmentScope, projectScope, workspaceScope } from '../access/index.js';
import { recordAudit } from '../audit/index.js';
import type { EngineContext } from '../context.js';
import { RESERVED_PROJECT_SLUGS } from '../domain/slug.js';
import { conflict, notFound } from '../errors/index.js';
import type { Actor } from '../ports/runtime.js';
import { parseInput } from '../validation/index.js';
import { assertWithinLimit } from './limits.js';
import {
  createEnvironmentBodySchema,
  createProjectBodySchema,
  updateProjectBodySchema,
  type CreateEnvironmentBody,
  type CreateProjectBody,
  type ListPageQuery,
  type UpdateProjectBody,
} from './schemas.js';
import { listPageQuerySchema, openIdPage } from '../pagination/index.js';
import { projectObject, projectObjects, serializeEnvironment, serializeProject } from './serialize.js';
import { insertWithFreeSlug } from './slug-insert.js';
import type { OperationResponse } from '../responses/operations.js';

export type CreateProjectInput = CreateProjectBody & { readonly workspaceSlug: string };
export interface ProjectSlugInput {
  readonly projectSlug: string;
}
export type CreateEnvironmentInput = CreateEnvironmentBody & ProjectSlugInput;
export type ListEnvironmentsInput = ProjectSlugInput & ListPageQuery;
export type ListProjectsInput = { readonly workspaceSlug: string } & ListPageQuery;
export type UpdateProjectInput = UpdateProjectBody & ProjectSlugInput;
export type DeleteProjectInput = ProjectSlugInput;
export type DeleteEnvironmentInput = ProjectSlugInput & { readonly environmentSlug: string };

/**
 * `projects.{create, get, list, update, delete}`; link/unlink live with the connections. A project's
 * slug is fixed at create and stays taken after a delete: it is the key of its URLs, of scope
 * entries (`<project>/<env>`) and of its audit entries, so it never comes to name another project.
 */
export function createProjectServices(ctx: EngineContext) {
  return {
    /** POST /api/workspaces/:workspaceSlug/projects — `canManageProjects`, `max_projects`; creates `master` too. */
    async create(actor: Actor | null, input: CreateProjectInput): Promise<OperationResponse<'projects.create'>> {
      const { user, workspace } = await workspaceScope(ctx, actor, input?.workspaceSlug, 'canManageProjects');
      const body = parseInput(createProjectBodySchema, input);
      const limits = await ctx.limits.limitsFor(workspace.id);
      // Refuse over-limit creates before any slug work; the transaction checks again under the lock.
      assertWithinLimit(limits, 'max_projects', await ctx.storage.projects.countProjects(workspace.id));
      const project = await insertWithFreeSlug({
        name: body.name,
        reserved: RESERVED_PROJECT_SLUGS,
        constraint: 'projects.slug',
        random: ctx.random,
        vacancy: (base) => ctx.storage.projects.slugVacancy(base),
        attempt: (slug) =>
          ctx.storage.transaction(async (tx) => {
            await tx.lockWorkspace(workspace.id);
            const count = await tx.projects.countProjects(workspace.id);
            assertWithinLimit(limits, 'max_projects', count);
            const now = ctx.clock.now();
            const created = await tx.projects.createProject({
              workspaceId: workspace.id,
              userId: user.id,
              name: body.name,
              slug,
              description: body.description ?? null,
              isDefault: count === 0,
              now,
            });
            const master = await tx.environments.createEnvironment({ projectId: created.id, name: 'master', slug: 'master', description: null, isDefault: true, now });
            await recordAudit(tx, ctx, actor ?? { kind: 'host' }, {
              workspaceId: workspace.id, operation: 'projects.create', targets: { projectId: created.id, environmentId: master.id }, detail: { slug },
            });
            return created;
          }),
      });
      return { message: 'Project created successfully', data: serializeProject(project, workspace.slug, null) };
    },

    /** GET /api/projects/:projectSlug — member (project pipeline). */
    async get(actor: Actor | null, input: ProjectSlugInput): Promise<OperationResponse<'projects.get'>> {
      const { project, workspace } = await projectScope(ctx, actor, input?.projectSlug);
      return { message: 'Project retrieved successfully', data: await projectObject(ctx.storage, project, workspace.slug) };
    },

    /**
     * GET /api/workspaces/:workspaceSlug/projects — member; active projects, `id` ascending, one page
     * (`limit`, `cursor`). Only the projects the caller may `get` are listed (their
     * `projectPermissions` cover the whole project), so a page may hold fewer than `limit` rows while
     * `nextCursor` is still set.
     */
    async list(actor: Actor | null, input: ListProjectsInput): Promise<OperationResponse<'projects.list'>> {
      const { workspace, member } = await workspaceScope(ctx, actor, input?.workspaceSlug);
      const page = openIdPage(parseInput(listPageQuerySchema, input), 'projects', workspace.id);
      const { items, nextCursor } = page.finish(await ctx.storage.projects.listProjects(workspace.id, page.read));
      const data = await projectObjects(ctx.storage, items.filter((p) => coversScope(member, p.slug)), workspace.slug);
      return { message: 'Projects retrieved successfully', count: data.length, data, nextCursor };
    },

    /** PATCH /api/projects/:projectSlug — `canManageProjects`; `name` and/or `description`, never the slug. */
    async update(actor: Actor | null, input: UpdateProjectInput): Promise<OperationResponse<'projects.update'>> {
      const { project, workspace } = await projectScope(ctx, actor, input?.projectSlug, 'canManageProjects');
      const body = parseInput(updateProjectBodySchema, input);
      const updated = await ctx.storage.transaction(async (tx) => {
        // Only an active row is updated: a delete that committed first makes this a 404.
        const changed = await tx.projects.updateProject({ projectId: project.id, name: body.name, description: body.description, now: ctx.clock.now() });
        if (!changed) throw notFound.project();
        const fields = [...(body.name === undefined ? [] : ['name']), ...(body.description === undefined ? [] : ['description'])];
        await recordAudit(tx, ctx, actor ?? { kind: 'host' }, { workspaceId: workspace.id, operation: 'projects.update', targets: { projectId: project.id }, detail: { fields } });
        return changed;
      });
      return { message: 'Project updated successfully', data: await projectObject(ctx.storage, updated, workspace.slug) };
    },

    /**
     * DELETE /api/projects/:projectSlug — `canManageProjects`; soft. 409 for the workspace's default
     * project, and while any environment of the project holds an active resource (DNS zones,
     * subdomains, host resources; a resource connection always has its subdomain, so it counts
     * too). A linked cloud connection is unlinked, not refused: the connection belongs to the
     * workspace, as when the connection itself is deleted. The environments go with the project.
     */
    async delete(actor: Actor | null, input: DeleteProjectInput): Promise<OperationResponse<'projects.delete'>> {
      const { project, workspace } = await projectScope(ctx, actor, input?.projectSlug, 'canManageProjects');
      if (project.isDefault) throw conflict.cannotDeleteDefaultProject();
      const unlinked = await ctx.storage.transaction(async (tx) => {
        // Under the lock every resource insert takes, so none can land between the count and the delete.
        await tx.lockWorkspace(workspace.id);
        const current = await tx.projects.getProjectById(project.id);
        if (!current || !current.isActive) throw notFound.project();
        const resources = await tx.resources.countResources({ projectId: project.id });
        if (resources > 0) throw conflict.cannotDeleteProject(resources);
        await tx.projects.softDeleteProject({ projectId: project.id, now: ctx.clock.now() });
        await recordAudit(tx, ctx, actor ?? { kind: 'host' }, {
          workspaceId: workspace.id,
          operation: 'projects.delete',
          targets: { projectId: project.id, ...(current.connectedCloudId === null ? {} : { connectionId: current.connectedCloudId }) },
          detail: { slug: project.slug },
        });
        return current.connectedCloudId;
      });
      if (unlinked !== null) ctx.awsSessions.drop(unlinked);
      return { message: 'Project deleted successfully', data: { id: project.id, slug: project.slug } };
    },
  };
}

/** `environments.{create, list, delete}`. */
export function createEnvironmentServices(ctx: EngineContext) {
  return {
    /** POST /api/projects/:projectSlug/environments — `canManageEnvironments`, `max_environments_per_project`. */
    async create(actor: Actor | null, input: CreateEnvironmentInput): Promise<OperationResponse<'environments.create'>> {
      const { project, workspace } = await projectScope(ctx, actor, input?.projectSlug, 'canManageEnvironments');
      const auditor = actor ?? { kind: 'host' as const };
      const body = parseInput(createEnvironmentBodySchema, input);
      const limits = await ctx.limits.limitsFor(workspace.id);
      assertWithinLimit(limits, 'max_environments_per_project', await ctx.storage.environments.countEnvironments(project.id));
      const environment = await insertWithFreeSlug({
        name: body.name,
        constraint: 'environments.slug',
        random: ctx.random,
        vacancy: (base) => ctx.storage.environments.slugVacancy(project.id, base),
        attempt: (slug) =>
          ctx.storage.transaction(async (tx) => {
            await tx.lockWorkspace(workspace.id);
            assertWithinLimit(limits, 'max_environments_per_project', await tx.environments.countEnvironments(project.id));
            const created = await tx.environments.createEnvironment({
              projectId: project.id,
              name: body.name,
              slug,
              description: body.description ?? null,
              isDefault: false,
              now: ctx.clock.now(),
            });
            await recordAudit(tx, ctx, auditor, { workspaceId: workspace.id, operation: 'environments.create', targets: { projectId: project.id, environmentId: created.id }, detail: { slug } });
            return created;
          }),
      });
      return { message: 'Environment created successfully', data: serializeEnvironment(environment) };
    },

    /** GET /api/projects/:projectSlug/environments — member; `id` ascending, one page (`limit`, `cursor`). */
    async list(actor: Actor | null, input: ListEnvironmentsInput): Promise<OperationResponse<'environments.list'>> {
      const { project } = await projectScope(ctx, actor, input?.projectSlug);
      const page = openIdPage(parseInput(listPageQuerySchema, input), 'environments', project.id);
      const { items, nextCursor } = page.finish(await ctx.storage.environments.listEnvironments(project.id, page.read));
      const data = items.map(serializeEnvironment);
      return { message: 'Environments retrieved successfully', count: data.length, data, nextCursor };
    },

    /**
     * DELETE /api/projects/:projectSlug/environments/:environmentSlug — `canManageEnvironments`
     * (environment pipeline); soft, and its slug stays taken within the project. 409 for the
     * default environment (`master`) and while the environment holds an active resource.
     */
    async delete(actor: Actor | null, input: DeleteEnvironmentInput): Promise<OperationResponse<'environments.delete'>> {
      const { project, workspace, environment } = await environmentScope(ctx, actor, input ?? {}, 'canManageEnvironments');
      if (environment.isDefault) throw conflict.cannotDeleteDefaultEnvironment();
      await ctx.storage.transaction(async (tx) => {
        await tx.lockWorkspace(workspace.id);
        const byType = await tx.resources.countResourcesByType(environment.id);
        const resources = Object.values(byType).reduce((sum, n) => sum + n, 0);
        if (resources > 0) throw conflict.cannotDeleteEnvironment(resources);
        if (!(await tx.environments.softDeleteEnvironment({ environmentId: environment.id, now: ctx.clock.now() }))) throw notFound.environment();
        await recordAudit(tx, ctx, actor ?? { kind: 'host' }, {
          workspaceId: workspace.id, operation: 'environments.delete', targets: { projectId: project.id, environmentId: environment.id }, detail: { slug: environment.slug },
        });
      });
      return { message: 'Environment deleted successfully', data: { id: environment.id, slug: environment.slug } };
    },
  };
}
