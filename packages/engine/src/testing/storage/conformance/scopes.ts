import { describe, expect, it } from 'vitest';
import { T0, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

/** scopes.*: the access check's one-statement reads answer exactly what the single-table getters answer. */
export function describeScopes(ctx: StorageConformanceContext): void {
  async function setup() {
    const s = ctx.storage;
    const f = fixtures(s);
    const user = await s.users.createUser({ email: 'scoped@example.com', name: 'Scoped User', externalId: 'idp|scoped', now: T0 });
    const stranger = await f.user();
    const workspace = await f.workspace();
    const other = await f.workspace();
    await s.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'dev', permissions: { projectPermissions: ['web/*'] }, now: T0 });
    // A membership elsewhere, and a stranger's membership here: neither may leak into the answer.
    await s.members.addMember({ workspaceId: other.id, userId: stranger.id, role: 'owner', permissions: null, now: T0 });
    await s.members.addMember({ workspaceId: workspace.id, userId: stranger.id, role: 'viewer', permissions: null, now: T0 });
    const project = await f.project(workspace, user);
    const otherProject = await f.project(other, stranger);
    const environment = await f.environment(project, 'prod');
    await f.environment(otherProject, 'staging');
    return { s, user, stranger, workspace, other, project, otherProject, environment };
  }

  describe('scopes.workspaceScope', () => {
    it('answers the user, the workspace and the membership as the getters do', async () => {
      const { s, user, workspace } = await setup();
      const answer = await s.scopes.workspaceScope(user.id, workspace.slug);
      expect(answer).toEqual({
        user: await s.users.getUserById(user.id),
        workspace: await s.workspaces.getWorkspaceBySlug(workspace.slug),
        member: await s.members.getMember(workspace.id, user.id),
      });
      expect(answer.member).toMatchObject({ role: 'dev', permissions: { projectPermissions: ['web/*'] }, user: { id: user.id, name: 'Scoped User' } });
    });

    it('leaves out what is missing: an unknown user, an unknown slug, no membership, a removed membership', async () => {
      const { s, user, stranger, workspace, other } = await setup();
      expect(await s.scopes.workspaceScope(user.id + stranger.id + 1000, workspace.slug)).toEqual({ user: null, workspace: null, member: null });
      expect(await s.scopes.workspaceScope(user.id, 'no-such-workspace')).toEqual({ user: await s.users.getUserById(user.id), workspace: null, member: null });
      const notMember = await s.scopes.workspaceScope(user.id, other.slug);
      expect([notMember.workspace?.id, notMember.member]).toEqual([other.id, null]);
      await s.members.removeMember({ workspaceId: workspace.id, userId: user.id, now: T0 });
      expect((await s.scopes.workspaceScope(user.id, workspace.slug)).member).toBeNull();
    });
  });

  describe('scopes.projectScope', () => {
    it('answers the project, its workspace, the membership and the environment as the getters do', async () => {
      const { s, user, workspace, project, environment } = await setup();
      const member = await s.members.getMember(workspace.id, user.id);
      expect(await s.scopes.projectScope(user.id, project.slug, 'prod')).toEqual({
        user: await s.users.getUserById(user.id),
        project: await s.projects.getProjectBySlug(project.slug),
        workspace: await s.workspaces.getWorkspaceById(workspace.id),
        member,
        environment: await s.environments.getEnvironmentBySlug(project.id, 'prod'),
      });
      expect((await s.scopes.projectScope(user.id, project.slug, 'prod')).environment?.id).toBe(environment.id);
      // Without an environment slug: no environment.
      const projectOnly = await s.scopes.projectScope(user.id, project.slug);
      expect([projectOnly.project?.id, projectOnly.member?.id, projectOnly.environment]).toEqual([project.id, member?.id, null]);
    });

    it('leaves out what is missing: unknown project, another project’s environment, no membership', async () => {
      const { s, user, stranger, project, otherProject, other } = await setup();
      const unknown = await s.scopes.projectScope(user.id, 'no-such-project', 'prod');
      expect([unknown.user?.id, unknown.project, unknown.workspace, unknown.member, unknown.environment]).toEqual([user.id, null, null, null, null]);
      // `staging` exists, but in the other project.
      expect((await s.scopes.projectScope(user.id, project.slug, 'staging')).environment).toBeNull();
      const notMember = await s.scopes.projectScope(user.id, otherProject.slug, 'staging');
      expect([notMember.workspace?.id, notMember.member, notMember.environment?.slug]).toEqual([other.id, null, 'staging']);
      expect((await s.scopes.projectScope(stranger.id, otherProject.slug)).member?.role).toBe('owner');
      expect(await s.scopes.projectScope(user.id + stranger.id + 1000, project.slug)).toEqual({ user: null, project: null, workspace: null, member: null, environment: null });
    });
  });

  describe('scopes by external id', () => {
    it("answers exactly what the user id answers, for the workspace, project and environment scopes", async () => {
      const { s, user, workspace, project } = await setup();
      const ref = { externalId: 'idp|scoped' };
      expect(await s.scopes.workspaceScope(ref, workspace.slug)).toEqual(await s.scopes.workspaceScope(user.id, workspace.slug));
      expect(await s.scopes.projectScope(ref, project.slug)).toEqual(await s.scopes.projectScope(user.id, project.slug));
      expect(await s.scopes.projectScope(ref, project.slug, 'prod')).toEqual(await s.scopes.projectScope(user.id, project.slug, 'prod'));
      expect((await s.scopes.workspaceScope(ref, workspace.slug)).user?.externalId).toBe('idp|scoped');
    });

    it('finds no one for an unknown external id, another case of it, or a user without one', async () => {
      const { s, workspace, project } = await setup();
      for (const externalId of ['idp|unknown', 'IDP|SCOPED', '']) {
        expect(await s.scopes.workspaceScope({ externalId }, workspace.slug)).toEqual({ user: null, workspace: null, member: null });
        expect(await s.scopes.projectScope({ externalId }, project.slug, 'prod')).toEqual({ user: null, project: null, workspace: null, member: null, environment: null });
      }
    });
  });
}
