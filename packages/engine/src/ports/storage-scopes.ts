import type { ScopeRepo, StorageTx, UserRef } from './storage.js';

/**
 * A `ScopeRepo` made of the other repositories, one lookup after another: for storages where a
 * join buys nothing (the memory storage) or that cannot join. Same answers as the joined query of
 * the SQL storages.
 */
export function scopeRepoFrom(repos: Pick<StorageTx, 'users' | 'workspaces' | 'members' | 'projects' | 'environments'>): ScopeRepo {
  const userOf = (ref: UserRef) => (typeof ref === 'number' ? repos.users.getUserById(ref) : repos.users.getUserByExternalId(ref.externalId));
  return {
    async workspaceScope(ref, workspaceSlug) {
      const user = await userOf(ref);
      if (!user) return { user: null, workspace: null, member: null };
      const workspace = await repos.workspaces.getWorkspaceBySlug(workspaceSlug);
      const member = workspace ? await repos.members.getMember(workspace.id, user.id) : null;
      return { user, workspace, member };
    },
    async projectScope(ref, projectSlug, environmentSlug) {
      const user = await userOf(ref);
      if (!user) return { user: null, project: null, workspace: null, member: null, environment: null };
      const project = await repos.projects.getProjectBySlug(projectSlug);
      const workspace = project ? await repos.workspaces.getWorkspaceById(project.workspaceId) : null;
      const member = workspace ? await repos.members.getMember(workspace.id, user.id) : null;
      const environment = project && environmentSlug !== undefined ? await repos.environments.getEnvironmentBySlug(project.id, environmentSlug) : null;
      return { user, project, workspace, member, environment };
    },
  };
}
