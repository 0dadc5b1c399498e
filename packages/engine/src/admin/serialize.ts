import type { CloudConnection, Environment, Member, Project, User, Workspace } from '../domain/records.js';
import type { StorageTx } from '../ports/storage.js';
import type { ConnectedCloudObject, EnvironmentObject, MemberObject, ProjectObject, WorkspaceObject } from '../responses/admin.js';

export type { ConnectedCloudObject, EnvironmentObject, MemberObject, ProjectObject, WorkspaceObject };

/** ISO 8601 UTC with milliseconds, or `null`. */
export function toIso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

/** The workspace object of the REST API; `profileImage` is always `null` for now. */
export function serializeWorkspace(w: Workspace): WorkspaceObject {
  return {
    id: w.id,
    name: w.name,
    slug: w.slug,
    description: w.description,
    profileImage: null,
    planId: w.planId,
    isActive: w.isActive,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

const CLOUD_TYPES = { aws: 'AWS', gcp: 'GCP', azure: 'AZURE' } as const;

/** A project's `connectedCloud`: `roleArn` only for AWS. */
export function serializeConnectedCloud(c: CloudConnection | null): ConnectedCloudObject | null {
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
export function serializeProject(p: Project, workspaceSlug: string, connection: CloudConnection | null): ProjectObject {
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
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

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

/** The environment object of the REST API. */
export function serializeEnvironment(e: Environment): EnvironmentObject {
  return {
    id: e.id,
    projectId: e.projectId,
    name: e.name,
    slug: e.slug,
    description: e.description,
    isDefault: e.isDefault,
    isActive: e.isActive,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

/** The stored permissions as a plain (mutable) copy: what the schema's type says a body holds. */
function memberPermissions(p: Member['permissions']): MemberObject['permissions'] {
  if (p === null) return null;
  const scope = p.projectPermissions;
  return { ...p, projectPermissions: typeof scope === 'string' || scope === null ? scope : [...scope] };
}

/** The membership row of the REST API; `user.profileImage` is always `null` for now. */
export function serializeMember(m: Member): MemberObject {
  return {
    id: m.id,
    workspaceId: m.workspaceId,
    userId: m.userId,
    role: m.role,
    permissions: memberPermissions(m.permissions),
    isActive: m.isActive,
    joinedAt: m.joinedAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    user: { id: m.user.id, name: m.user.name, email: m.user.email, profileImage: null },
  };
}

/** The operator's view of a user (printed by `cloudlink seed`): `{id, email, name}`. */
export function serializeUser(u: User) {
  return { id: u.id, email: u.email, name: u.name };
}
