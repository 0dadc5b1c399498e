import type { EngineContext } from '../context.js';
import type { Environment, Member, Project, User, Workspace } from '../domain/records.js';
import type { Permission } from '../domain/permissions.js';
import { forbidden, notFound, unauthenticated } from '../errors/index.js';
import { noteAuditScope } from '../audit/scope.js';
import type { Actor } from '../ports/runtime.js';
import { readsMembersTable } from './default-access.js';

/**
 * The access pipelines of docs/access.md, written once. Every service starts with one of these; the
 * order of checks (and so which error wins) is fixed here and nowhere else. Each scope is read in
 * one storage call (`storage.scopes`: user, workspace or project and environment, membership
 * together) and the checks then run on what it returned, in the documented order.
 */

/** Step 1: an actor naming an existing user, else 401. */
export async function requireUser(ctx: EngineContext, actor: Actor | null | undefined): Promise<User> {
  if (!actor || !Number.isSafeInteger(actor.userId)) throw unauthenticated();
  const user = await ctx.storage.users.getUserById(actor.userId);
  if (!user) throw unauthenticated();
  return user;
}

/** The actor's user id, else 401 before any lookup. */
function userIdOf(actor: Actor | null | undefined): number {
  if (!actor || !Number.isSafeInteger(actor.userId)) throw unauthenticated();
  return actor.userId;
}

/**
 * A slug from a path, or null when it cannot name anything: slugs come from names of at most 100
 * characters plus a numeric suffix, so a longer one is answered as unknown without a lookup.
 */
const MAX_SLUG_LOOKUP = 128;
function slugOf(raw: unknown): string | null {
  return typeof raw === 'string' && raw.length <= MAX_SLUG_LOOKUP ? raw : null;
}

/** The membership the scope query read, unless the host's own AccessControl decides memberships. */
async function membershipOf(ctx: EngineContext, stored: Member | null, user: User, workspace: Workspace): Promise<Member | null> {
  return readsMembersTable(ctx.access) ? stored : ctx.access.membership({ userId: user.id }, workspace.id);
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
  const userId = userIdOf(actor);
  const slug = slugOf(workspaceSlug);
  const rows = slug === null ? null : await ctx.storage.scopes.workspaceScope(userId, slug);
  const user = rows ? rows.user : await ctx.storage.users.getUserById(userId);
  if (!user) throw unauthenticated();
  const workspace = rows?.workspace;
  if (!workspace) throw notFound.workspace();
  const member = await membershipOf(ctx, rows.member, user, workspace);
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

/**
 * Steps shared by project and environment routes: 401 → 404 project (missing, or its workspace
 * inactive) → 403 membership; the environment row comes along when `environmentSlug` is given.
 */
async function projectMember(ctx: EngineContext, actor: Actor | null | undefined, projectSlug: unknown, environmentSlug?: string) {
  const userId = userIdOf(actor);
  const slug = slugOf(projectSlug);
  const rows = slug === null ? null : await ctx.storage.scopes.projectScope(userId, slug, environmentSlug);
  const user = rows ? rows.user : await ctx.storage.users.getUserById(userId);
  if (!user) throw unauthenticated();
  const project = rows?.project;
  const workspace = rows?.workspace;
  if (!project || !workspace || !workspace.isActive) throw notFound.project();
  const member = await membershipOf(ctx, rows.member, user, workspace);
  if (!member) throw forbidden.project();
  noteAuditScope({ workspaceId: workspace.id, projectId: project.id });
  return { user, workspace, member, project, environment: rows.environment };
}

/** Project routes: 401 → 404 project → 403 membership → 403 scope → 403 flag. */
export async function projectScope(
  ctx: EngineContext,
  actor: Actor | null | undefined,
  projectSlug: unknown,
  permission?: Permission,
): Promise<ProjectScope> {
  const { user, workspace, member, project } = await projectMember(ctx, actor, projectSlug);
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
  const envSlug = slugOf(input.environmentSlug) ?? '';
  const { user, workspace, member, project, environment } = await projectMember(ctx, actor, input.projectSlug, envSlug === '' ? undefined : envSlug);
  if (!coversScope(member, project.slug, envSlug)) throw forbidden.environment();
  if (!environment) throw notFound.environment();
  noteAuditScope({ workspaceId: workspace.id, projectId: project.id, environmentId: environment.id });
  if (!(await ctx.access.can(member, permission))) throw forbidden.permission(permission);
  return { user, workspace, member, project, environment };
}
