import type { CloudConnection, Environment, Member, Project, User, Workspace } from '../domain/records.js';
import type { StorageTx } from '../ports/storage.js';

/** ISO 8601 UTC with milliseconds, or `null`. */
export function toIso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

/** The workspace object of the REST API; `profileImage` is always `null` for now. */
export function serializeWorkspace(w: Workspace) {
  return {
    id: w.id,
    name: w.name,
    slug: w.slug,
    description: w.description,
    profileImage: null,
    planId: w.planId,
    isActive: w.isActive,
    createdAt: toIso(w.createdAt),
    updatedAt: toIso(w.updatedAt),
  };
}
export type WorkspaceObject = ReturnType<typeof serializeWorkspace>;

const CLOUD_TYPES = { aws: 'AWS', gcp: 'GCP', azure: 'AZURE' } as const;

/** A project's `connectedCloud`: `roleArn` only for AWS. */
export function serializeConnectedCloud(c: CloudConnection | null) {
  if (!c) return null;
  return {
    id: c.id,
    cloudType: CLOUD_TYPES[c.provider],
    accountId: c.accountId,
    accountName: c.accountName,
    roleArn: c.provider === 'aws' ? c.roleArn : null,
  };
}

/** The project object of the REST API. */
export function serializeProject(p: Project, workspaceSlug: string, connection: CloudConnection | null) {
  return {
    id: p.id,
    userId: p.userId,
    workspaceId: p.workspaceId,
    workspaceSlug,
    name: p.name,
    slug: p.slug,
    description: p.description,
    isDefault: p.isDefault,
    isActive: p.isActive,
    connectedCloudId: p.connectedCloudId,
    connectedCloud: p.connectedCloudId === null ? null : serializeConnectedCloud(connection),
    createdAt: toIso(p.createdAt),
    updatedAt: toIso(p.updatedAt),
  };
}
export type ProjectObject = ReturnType<typeof serializeProject>;

/** Load what a project object needs (workspace slug, linked connection) and serialise it. */
export async function projectObject(
  store: Pick<StorageTx, 'workspaces' | 'connections'>,
  project: Project,
  workspaceSlug?: string,
): Promise<ProjectObject> {
  const slug = workspaceSlug ?? (await store.workspaces.getWorkspaceById(project.workspaceId))?.slug ?? '';
  const connection = project.connectedCloudId === null ? null : await store.connections.getConnectionById(project.connectedCloudId);
  return serializeProject(project, slug, connection);
}

/**
 * Project objects of one workspace's list: each linked connection is read once, however many
 * projects of the page share it (a page may hold up to 1 000 projects, a workspace few connections).
 */
export async function projectObjects(
  store: Pick<StorageTx, 'connections'>,
  projects: readonly Project[],
  workspaceSlug: string,
): Promise<ProjectObject[]> {
  const ids = [...new Set(projects.flatMap((p) => (p.connectedCloudId === null ? [] : [p.connectedCloudId])))];
  const connections = new Map(await Promise.all(ids.map(async (id) => [id, await store.connections.getConnectionById(id)] as const)));
  return projects.map((p) => serializeProject(p, workspaceSlug, p.connectedCloudId === null ? null : (connections.get(p.connectedCloudId) ?? null)));
}

/** The environment object of the REST API. */
export function serializeEnvironment(e: Environment) {
  return {
    id: e.id,
    projectId: e.projectId,
    name: e.name,
    slug: e.slug,
    description: e.description,
    isDefault: e.isDefault,
    isActive: e.isActive,
    createdAt: toIso(e.createdAt),
    updatedAt: toIso(e.updatedAt),
  };
}
export type EnvironmentObject = ReturnType<typeof serializeEnvironment>;

/** The membership row of the REST API; `user.profileImage` is always `null` for now. */
export function serializeMember(m: Member) {
  return {
    id: m.id,
    workspaceId: m.workspaceId,
    userId: m.userId,
    role: m.role,
    permissions: m.permissions,
    isActive: m.isActive,
    joinedAt: toIso(m.joinedAt),
    updatedAt: toIso(m.updatedAt),
    user: { id: m.user.id, name: m.user.name, email: m.user.email, profileImage: null },
  };
}
export type MemberObject = ReturnType<typeof serializeMember>;

/** The operator's view of a user (printed by `cloudlink seed`): `{id, email, name}`. */
export function serializeUser(u: User) {
  return { id: u.id, email: u.email, name: u.name };
}
