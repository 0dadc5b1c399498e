import { CONNECTION_SECRET_AAD } from '../connections/complete.js';
import type { EngineContext } from '../context.js';
import { RESOURCE_SECRET_AAD } from '../dns/provider-access.js';
import { invalidField } from '../errors/index.js';
import { createOidcIssuer, OIDC_PRIVATE_KEY_AAD } from '../oidc/index.js';
import { parseInput } from '../validation/index.js';
import { seedInputSchema, type SeedInput } from './schemas.js';
import { projectObject, serializeEnvironment, serializeUser, serializeWorkspace } from './serialize.js';

export type { SeedInput };

/**
 * Operator commands behind the CLI. No access checks and no plan limits: whoever runs
 * them already holds the database and the keys.
 */
export function createOperatorServices(ctx: EngineContext) {
  const oidc = createOidcIssuer(ctx);
  return {
    /**
     * Create or reuse the user, workspace (slug exactly as given), project (with `master`),
     * environment and membership; set the role and, when given, the plan. Idempotent.
     */
    async seed(input: SeedInput) {
      const opts = parseInput(seedInputSchema, input);
      const plan = opts.plan ? await ctx.storage.plans.getPlanBySlug(opts.plan) : null;
      const defaultPlan = plan ?? (await ctx.storage.plans.getPlanBySlug(ctx.config.defaultPlan));
      if (!defaultPlan) throw new Error('plans are not seeded; run migrations first');
      return ctx.storage.transaction(async (tx) => {
        const now = ctx.clock.now();
        const user = (await tx.users.getUserByEmail(opts.email)) ?? (await tx.users.createUser({ email: opts.email, name: null, now }));
        let workspace = await tx.workspaces.getWorkspaceBySlug(opts.workspace);
        if (!workspace) {
          workspace = await tx.workspaces.createWorkspace({ name: opts.workspace, slug: opts.workspace, description: null, planId: defaultPlan.id, now });
        } else if (plan && workspace.planId !== plan.id) {
          await tx.workspaces.setWorkspacePlan({ workspaceId: workspace.id, planId: plan.id, now });
          workspace = (await tx.workspaces.getWorkspaceById(workspace.id)) ?? workspace;
        }
        const member = await tx.members.getMember(workspace.id, user.id);
        if (!member) {
          await tx.members.addMember({ workspaceId: workspace.id, userId: user.id, role: opts.role, permissions: { projectPermissions: '*' }, now });
        } else if (member.role !== opts.role) {
          await tx.members.setMemberRole({ workspaceId: workspace.id, userId: user.id, role: opts.role, now });
        }
        let project = await tx.projects.getProjectBySlug(opts.project);
        if (project && project.workspaceId !== workspace.id) throw invalidField('project', 'belongs to another workspace');
        if (!project) {
          if (await tx.projects.projectSlugTaken(opts.project)) throw invalidField('project', 'is taken by a deleted project');
          const isDefault = (await tx.projects.countProjects(workspace.id)) === 0;
          project = await tx.projects.createProject({ workspaceId: workspace.id, userId: user.id, name: opts.project, slug: opts.project, description: null, isDefault, now });
          await tx.environments.createEnvironment({ projectId: project.id, name: 'master', slug: 'master', description: null, isDefault: true, now });
        }
        let environment = await tx.environments.getEnvironmentBySlug(project.id, opts.environment);
        if (!environment) {
          if (await tx.environments.environmentSlugTaken(project.id, opts.environment)) throw invalidField('environment', 'is taken by a deleted environment');
          environment = await tx.environments.createEnvironment({ projectId: project.id, name: opts.environment, slug: opts.environment, description: null, isDefault: false, now });
        }
        return {
          workspace: serializeWorkspace(workspace),
          project: await projectObject(tx, project, workspace.slug),
          environment: serializeEnvironment(environment),
          user: serializeUser(user),
        };
      });
    },

    /** Re-seal every sealed value not sealed with the current key (after putting a new key first). */
    async reencrypt(): Promise<{ reencrypted: number }> {
      let count = 0;
      const now = ctx.clock.now();
      for (const row of await ctx.storage.connections.listSealedSecrets()) {
        if (!ctx.secrets.needsReseal(row.secretData)) continue;
        // A running server may store new credentials meanwhile (complete settles under the workspace
        // lock): re-read under the same lock and re-seal what is there now, never the listed copy.
        const resealed = await ctx.storage.transaction(async (tx) => {
          const listed = await tx.connections.getConnectionById(row.id);
          if (!listed) return false;
          await tx.lockWorkspace(listed.workspaceId);
          const current = (await tx.connections.getConnectionById(row.id))?.secretData ?? null;
          if (current === null || !ctx.secrets.needsReseal(current)) return false;
          const secretData = ctx.secrets.seal(ctx.secrets.open(current, CONNECTION_SECRET_AAD), CONNECTION_SECRET_AAD);
          await tx.connections.updateConnection(row.id, { secretData }, now);
          return true;
        });
        if (resealed) count++;
      }
      for (const row of await ctx.storage.resources.listSealedSecrets()) {
        if (!ctx.secrets.needsReseal(row.secretData)) continue;
        const secretData = ctx.secrets.seal(ctx.secrets.open(row.secretData, RESOURCE_SECRET_AAD), RESOURCE_SECRET_AAD);
        await ctx.storage.resources.updateResource(row.id, { secretData }, now);
        count++;
      }
      for (const key of await ctx.storage.oidcKeys.listOidcKeys()) {
        if (!ctx.secrets.needsReseal(key.privateKey)) continue;
        const privateKey = ctx.secrets.seal(ctx.secrets.open(key.privateKey, OIDC_PRIVATE_KEY_AAD), OIDC_PRIVATE_KEY_AAD);
        await ctx.storage.oidcKeys.updateOidcKey(key.id, { privateKey });
        count++;
      }
      return { reencrypted: count };
    },

    /** Publish a new OIDC signing key now; it signs after 1 h. */
    rotateOidcKey: () => oidc.rotate(),
  };
}
