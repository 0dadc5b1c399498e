import type { EngineContext } from '../context.js';
import type { Environment, Member, Project, User, Workspace } from '../domain/records.js';
import type { Permission } from '../domain/permissions.js';
import { forbidden, notFound, unauthenticated } from '../errors/index.js';
import { noteAuditScope } from '../audit/scope.js';
import { noteActorUser } from '../audit/actor.js';
import type { Actor } from '../ports/runtime.js';
import type { UserRef } from '../ports/storage.js';
import { isExternalId } from '../admin/external-id.js';
import { readsMembersTable } from './default-access.js';

/**
 * The access pipelines of docs/access.md, written once. Every service starts with one of these; the
 * order of checks (and so which error wins) is fixed here and nowhere else. Each scope is read in
 * one storage call (`storage.scopes`: user, workspace or project and environment, membership
 * together) and the checks then run on what it returned, in the documented order.
 */

/** Step 1: an actor naming an existing user, else 401. */
export async function requireUser(ctx: EngineContext, actor: Actor | null | undefined): Promise<User> {
  const ref = userRefOf(actor);
  const user = typeof ref === 'number' ? await ctx.storage.users.getUserById(ref) : await ctx.storage.users.getUserByExternalId(ref.externalId);
  return resolvedUser(actor!, user);
}

/**
 * How the actor names its user, else 401 before any lookup: `userId` when it has one, else the
 * host's `externalId` (a string of at most EXTERNAL_ID_MAX_CHARS, as no longer one is ever stored).
 */
function userRefOf(actor: Actor | null | undefined): UserRef {
  if (!actor || typeof actor !== 'object') throw unauthenticated();
  if (actor.userId !== undefined) {
    if (!Number.isSafeInteger(actor.userId)) throw unauthenticated();
    return actor.userId;
  }
  if (isExternalId(actor.externalId)) return { externalId: actor.externalId };
  throw unauthenticated();
}

/**
 * The user the storage found for `actor`, else 401. An actor naming both ids must name one user:
 * a `userId` whose row carries another external id is refused rather than trusted half-way. The
 * user id is noted for the audit log, which records it for entries written on this actor's behalf.
 */
function resolvedUser(actor: Actor, user: User | null): User {
  if (!user) throw unauthenticated();
  if (actor.externalId !== undefined && actor.externalId !== user.externalId) throw unauthenticated();
  noteActorUser(actor, user.id);
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

/**
 * The membership the scope query read, unless the host's own AccessControl decides memberships; a
 * host's control is told both ids of the user, so it can key its own RBAC by its own id.
 */
async function membershipOf(ctx: EngineContext, stored: Member | null, user: User, workspace: Workspace): Promise<Member | null> {
  if (readsMembersTable(ctx.access)) return stored;
  return ctx.access.membership(user.externalId === null ? { userId: user.id } : { userId: user.id, externalId: user.externalId }, workspace.id);
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
  const ref = userRefOf(actor);
  const slug = slugOf(workspaceSlug);
  const rows = slug === null ? null : await ctx.storage.scopes.workspaceScope(ref, slug);
  const user = rows ? resolvedUser(actor!, rows.user) : await requireUser(ctx, actor);
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
  const ref = userRefOf(actor);
  const slug = slugOf(projectSlug);
  const rows = slug === null ? null : await ctx.storage.scopes.projectScope(ref, slug, environmentSlug);
  const user = rows ? resolvedUser(actor!, rows.user) : await requireUser(ctx, actor);
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
