import { projectScope, workspaceScope } from '../access/index.js';
import { recordAudit } from '../audit/index.js';
import type { EngineContext } from '../context.js';
import { RESERVED_PROJECT_SLUGS } from '../domain/slug.js';
import type { Actor } from '../ports/runtime.js';
import { parseInput } from '../validation/index.js';
import { assertWithinLimit } from './limits.js';
import { createEnvironmentBodySchema, createProjectBodySchema, type CreateEnvironmentBody, type CreateProjectBody, type ListPageQuery } from './schemas.js';
import { listPageQuerySchema, openIdPage } from '../pagination/index.js';
import { projectObject, serializeEnvironment, serializeProject } from './serialize.js';
import { insertWithFreeSlug } from './slug-insert.js';
import type { OperationResponse } from '../responses/operations.js';

export type CreateProjectInput = CreateProjectBody & { readonly workspaceSlug: string };
export interface ProjectSlugInput {
  readonly projectSlug: string;
}
export type CreateEnvironmentInput = CreateEnvironmentBody & ProjectSlugInput;
export type ListEnvironmentsInput = ProjectSlugInput & ListPageQuery;

/** `projects.{create, get}`; link/unlink live with the connections. */
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
  };
}

/** `environments.{create, list}`. */
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
  };
}
