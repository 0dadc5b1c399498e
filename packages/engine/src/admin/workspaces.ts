import { requireUser, workspaceScope } from '../access/index.js';
import { recordAudit } from '../audit/index.js';
import type { EngineContext } from '../context.js';
import { RESERVED_WORKSPACE_SLUGS } from '../domain/slug.js';
import type { Actor } from '../ports/runtime.js';
import { parseInput } from '../validation/index.js';
import { createWorkspaceBodySchema, type CreateWorkspaceBody } from './schemas.js';
import { serializeWorkspace } from './serialize.js';
import { insertWithFreeSlug } from './slug-insert.js';
import type { OperationResponse } from '../responses/operations.js';

export type CreateWorkspaceInput = CreateWorkspaceBody;
export interface WorkspaceSlugInput {
  readonly workspaceSlug: string;
}

function usageLine(current: number, limit: number) {
  if (limit === -1) return { current, limit: null, percentage: 0, unlimited: true };
  const percentage = limit <= 0 ? 100 : Math.min(100, Math.round((100 * current) / limit));
  return { current, limit, percentage, unlimited: false };
}

/** `workspaces.{create, get, usage}`. */
export function createWorkspaceServices(ctx: EngineContext) {
  return {
    /** POST /api/workspaces — the caller becomes `owner`; plan = the engine's `defaultPlan` (`free` unless the host sets one). */
    async create(actor: Actor | null, input: CreateWorkspaceInput): Promise<OperationResponse<'workspaces.create'>> {
      const user = await requireUser(ctx, actor);
      const body = parseInput(createWorkspaceBodySchema, input);
      const plan = await ctx.storage.plans.getPlanBySlug(ctx.config.defaultPlan);
      if (!plan) throw new Error(`plan ${ctx.config.defaultPlan} is not seeded`);
      const workspace = await insertWithFreeSlug({
        name: body.name,
        reserved: RESERVED_WORKSPACE_SLUGS,
        constraint: 'workspaces.slug',
        random: ctx.random,
        vacancy: (base) => ctx.storage.workspaces.slugVacancy(base),
        attempt: (slug) =>
          ctx.storage.transaction(async (tx) => {
            const now = ctx.clock.now();
            const created = await tx.workspaces.createWorkspace({ name: body.name, slug, description: body.description ?? null, planId: plan.id, now });
            await tx.members.addMember({ workspaceId: created.id, userId: user.id, role: 'owner', permissions: { projectPermissions: '*' }, now });
            await recordAudit(tx, ctx, actor ?? { kind: 'host' }, { workspaceId: created.id, operation: 'workspaces.create', targets: { userId: user.id }, detail: { slug } });
            return created;
          }),
      });
      return { message: 'Workspace created successfully', data: serializeWorkspace(workspace) };
    },

    /** GET /api/workspaces/:workspaceSlug — member; adds `userRole` and `plan`. */
    async get(actor: Actor | null, input: WorkspaceSlugInput): Promise<OperationResponse<'workspaces.get'>> {
      const { workspace, member } = await workspaceScope(ctx, actor, input?.workspaceSlug);
      const plan = await ctx.storage.plans.getPlanById(workspace.planId);
      return {
        message: 'Workspace retrieved successfully',
        data: {
          ...serializeWorkspace(workspace),
          userRole: member.role,
          plan: plan ? { id: plan.id, slug: plan.slug, name: plan.name, restrictions: { ...plan.restrictions, features_disabled: [...plan.restrictions.features_disabled] } } : null,
        },
      };
    },

    /** GET /api/workspaces/:workspaceSlug/usage — member. */
    async usage(actor: Actor | null, input: WorkspaceSlugInput): Promise<OperationResponse<'workspaces.usage'>> {
      const { workspace } = await workspaceScope(ctx, actor, input?.workspaceSlug);
      const [plan, limits, projects, environments, resources, connections] = await Promise.all([
        ctx.storage.plans.getPlanById(workspace.planId),
        ctx.limits.limitsFor(workspace.id),
        ctx.storage.projects.countProjects(workspace.id),
        ctx.storage.environments.maxEnvironmentsPerProject(workspace.id),
        ctx.storage.resources.countResources({ workspaceId: workspace.id }),
        ctx.storage.connections.countConnected(workspace.id),
      ]);
      return {
        message: 'Workspace usage retrieved successfully',
        workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name },
        plan: plan ? { id: plan.id, slug: plan.slug, name: plan.name } : null,
        usage: {
          projects: usageLine(projects, limits.max_projects),
          environments: usageLine(environments, limits.max_environments_per_project),
          resources: usageLine(resources, limits.max_resources),
          cloudConnections: usageLine(connections, limits.max_cloud_connections),
        },
      };
    },
  };
}
