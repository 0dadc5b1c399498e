import type { EngineContext } from '../context.js';
import type { Environment, Member, Project, User, Workspace } from '../domain/records.js';
import type { Permission } from '../domain/permissions.js';
import { forbidden, notFound, unauthenticated } from '../errors/index.js';
import { noteAuditScope } from '../audit/scope.js';
import type { Actor } from '../ports/runtime.js';

/**
 * The access pipelines of docs/access.md, written once. Every service starts with one of these; the
 * order of checks (and so which error wins) is fixed here and nowhere else.
 */

/** Step 1: an actor naming an existing user, else 401. */
export async function requireUser(ctx: EngineContext, actor: Actor | null | undefined): Promise<User> {
  if (!actor || !Number.isSafeInteger(actor.userId)) throw unauthenticated();
  const user = await ctx.storage.users.getUserById(actor.userId);
  if (!user) throw unauthenticated();
  return user;
}

/**
 * A slug from a path, or null when it cannot name anything: slugs come from names of at most 100
 * characters plus a numeric suffix, so a longer one is answered as unknown without a lookup.
 */
const MAX_SLUG_LOOKUP = 128;
function slugOf(raw: unknown): string | null {
  return typeof raw === 'string' && raw.length <= MAX_SLUG_LOOKUP ? raw : null;
}

export interface WorkspaceScope {
  readonly user: User;
  readonly workspace: Workspace;
  readonly member: Member;
}

/** Workspace routes: 401 → 404 workspace → 403 membership → 403 flag. */
export async function workspaceScope(
  ctx: EngineContext,
  actor: Actor | null | undefined,
  workspaceSlug: unknown,
  permission?: Permission,
): Promise<WorkspaceScope> {
  const user = await requireUser(ctx, actor);
  const slug = slugOf(workspaceSlug);
  const workspace = slug === null ? null : await ctx.storage.workspaces.getWorkspaceBySlug(slug);
  if (!workspace) throw notFound.workspace();
  const member = await ctx.access.membership({ userId: user.id }, workspace.id);
  if (!member) throw forbidden.workspace();
  noteAuditScope({ workspaceId: workspace.id });
  if (permission && !(await ctx.access.can(member, permission))) throw forbidden.permission(permission);
  return { user, workspace, member };
}

export interface ProjectScope extends WorkspaceScope {
  readonly project: Project;
}

/** Whether `projectPermissions` covers `<project>/<env>` (env omitted: the whole project). */
export function coversScope(member: Member, projectSlug: string, environmentSlug?: string): boolean {
  const scope = member.permissions?.projectPermissions ?? null;
  if (scope === null || scope === '*') return true;
  return scope.some((entry) => {
    if (entry === `${projectSlug}/*`) return true;
    return environmentSlug !== undefined && entry === `${projectSlug}/${environmentSlug}`;
  });
}

/** Project routes: 401 → 404 project → 403 membership → 403 scope → 403 flag. */
export async function projectScope(
  ctx: EngineContext,
  actor: Actor | null | undefined,
  projectSlug: unknown,
  permission?: Permission,
): Promise<ProjectScope> {
  const user = await requireUser(ctx, actor);
  const slug = slugOf(projectSlug);
  const project = slug === null ? null : await ctx.storage.projects.getProjectBySlug(slug);
  if (!project) throw notFound.project();
  const workspace = await ctx.storage.workspaces.getWorkspaceById(project.workspaceId);
  if (!workspace || !workspace.isActive) throw notFound.project();
  const member = await ctx.access.membership({ userId: user.id }, workspace.id);
  if (!member) throw forbidden.project();
  noteAuditScope({ workspaceId: workspace.id, projectId: project.id });
  if (!coversScope(member, project.slug)) throw forbidden.project();
  if (permission && !(await ctx.access.can(member, permission))) throw forbidden.permission(permission);
  return { user, workspace, member, project };
}

export interface EnvironmentScope extends ProjectScope {
  readonly environment: Environment;
}

/** Environment routes: 401 → 404 project → 403 membership → 403 env scope → 404 environment → 403 flag. */
export async function environmentScope(
  ctx: EngineContext,
  actor: Actor | null | undefined,
  input: { readonly projectSlug?: unknown; readonly environmentSlug?: unknown },
  permission: Permission,
): Promise<EnvironmentScope> {
  const user = await requireUser(ctx, actor);
  const projectSlug = slugOf(input.projectSlug);
  const project = projectSlug === null ? null : await ctx.storage.projects.getProjectBySlug(projectSlug);
  if (!project) throw notFound.project();
  const workspace = await ctx.storage.workspaces.getWorkspaceById(project.workspaceId);
  if (!workspace || !workspace.isActive) throw notFound.project();
  const member = await ctx.access.membership({ userId: user.id }, workspace.id);
  if (!member) throw forbidden.project();
  noteAuditScope({ workspaceId: workspace.id, projectId: project.id });
  const envSlug = slugOf(input.environmentSlug) ?? '';
  if (!coversScope(member, project.slug, envSlug)) throw forbidden.environment();
  const environment = envSlug === '' ? null : await ctx.storage.environments.getEnvironmentBySlug(project.id, envSlug);
  if (!environment) throw notFound.environment();
  noteAuditScope({ workspaceId: workspace.id, projectId: project.id, environmentId: environment.id });
  if (!(await ctx.access.can(member, permission))) throw forbidden.permission(permission);
  return { user, workspace, member, project, environment };
}
