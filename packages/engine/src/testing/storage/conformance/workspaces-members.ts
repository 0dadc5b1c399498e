import { describe, expect, it } from 'vitest';
import { T0, at, expectConflict, raw, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

const OWNER_ROLE_ID = 1;
const DEV_ROLE_ID = 3;
const VIEWER_ROLE_ID = 5;

/** workspaces.* and members.*. */
export function describeWorkspacesAndMembers(ctx: StorageConformanceContext): void {
  describe('workspaces.createWorkspace', () => {
    it('stores an active workspace on its plan', async () => {
      const ws = await ctx.storage.workspaces.createWorkspace({ name: 'Acme', slug: 'acme', description: 'Team', planId: 2, now: T0 });
      expect(ws).toMatchObject({ name: 'Acme', slug: 'acme', description: 'Team', planId: 2, isActive: true, createdAt: T0, updatedAt: T0, deletedAt: null });
      const row = await ctx.row('workspaces', ws.id);
      expect([row.name, row.slug, row.description, raw.num(row.plan_id), raw.bool(row.is_active)]).toEqual(['Acme', 'acme', 'Team', 2, true]);
      expect(raw.time(row.created_at)).toBe(T0.getTime());
      expect(row.deleted_at).toBeNull();
    });

    it('refuses a duplicate slug: workspaces.slug', async () => {
      await fixtures(ctx.storage).workspace('same');
      await expectConflict(fixtures(ctx.storage).workspace('same'), 'workspaces.slug');
      expect(await ctx.rows('workspaces')).toHaveLength(1);
    });
  });

  describe('workspaces.getWorkspaceBySlug', () => {
    it('finds an active workspace; null when missing', async () => {
      const ws = await fixtures(ctx.storage).workspace('by-slug');
      expect(await ctx.storage.workspaces.getWorkspaceBySlug('by-slug')).toEqual(ws);
      expect(await ctx.storage.workspaces.getWorkspaceBySlug('nope')).toBeNull();
    });
  });

  describe('workspaces.getWorkspaceById', () => {
    it('finds by id; null when missing', async () => {
      const ws = await fixtures(ctx.storage).workspace();
      expect(await ctx.storage.workspaces.getWorkspaceById(ws.id)).toEqual(ws);
      expect(await ctx.storage.workspaces.getWorkspaceById(ws.id + 1000)).toBeNull();
    });
  });

  describe('workspaces.setWorkspacePlan', () => {
    it('changes plan_id and updated_at only', async () => {
      const ws = await fixtures(ctx.storage).workspace('upgrade', 1);
      await ctx.storage.workspaces.setWorkspacePlan({ workspaceId: ws.id, planId: 4, now: at(5) });
      const row = await ctx.row('workspaces', ws.id);
      expect(raw.num(row.plan_id)).toBe(4);
      expect(raw.time(row.updated_at)).toBe(at(5).getTime());
      expect(raw.time(row.created_at)).toBe(T0.getTime());
      expect(row.slug).toBe('upgrade');
    });
  });

  describe('workspaces.listWorkspacesOfUser', () => {
    it("lists the workspaces of the user's active memberships with the role, workspace id ascending", async () => {
      const f = fixtures(ctx.storage);
      const user = await f.user();
      const stranger = await f.user();
      const [a, b, left, theirs] = [await f.workspace(), await f.workspace(), await f.workspace(), await f.workspace()];
      await ctx.storage.members.addMember({ workspaceId: b.id, userId: user.id, role: 'viewer', permissions: null, now: T0 });
      await ctx.storage.members.addMember({ workspaceId: a.id, userId: user.id, role: 'owner', permissions: null, now: T0 });
      await ctx.storage.members.addMember({ workspaceId: left.id, userId: user.id, role: 'dev', permissions: null, now: T0 });
      await ctx.storage.members.removeMember({ workspaceId: left.id, userId: user.id, now: at(1) });
      await ctx.storage.members.addMember({ workspaceId: theirs.id, userId: stranger.id, role: 'owner', permissions: null, now: T0 });
      await ctx.storage.members.addMember({ workspaceId: a.id, userId: stranger.id, role: 'admin', permissions: null, now: T0 });
      expect(await ctx.storage.workspaces.listWorkspacesOfUser(user.id, { limit: 10 })).toEqual([
        { ...a, role: 'owner' },
        { ...b, role: 'viewer' },
      ]);
      expect((await ctx.storage.workspaces.listWorkspacesOfUser(stranger.id, { limit: 10 })).map((w) => [w.id, w.role])).toEqual([
        [a.id, 'admin'],
        [theirs.id, 'owner'],
      ]);
      expect(await ctx.storage.workspaces.listWorkspacesOfUser(user.id, { after: a.id, limit: 10 })).toEqual([{ ...b, role: 'viewer' }]);
      expect(await ctx.storage.workspaces.listWorkspacesOfUser(stranger.id + 1000, { limit: 10 })).toEqual([]);
      expect(await ctx.storage.workspaces.listWorkspacesOfUser(2 ** 40, { limit: 10 })).toEqual([]);
    });
  });

  async function memberSetup() {
    const f = fixtures(ctx.storage);
    const user = await f.user(undefined, 'Member Name');
    const workspace = await f.workspace();
    return { f, user, workspace };
  }

  describe('members.addMember', () => {
    it('inserts an active member with the role id, permissions and joined_at, joined with the user', async () => {
      const { user, workspace } = await memberSetup();
      const member = await ctx.storage.members.addMember({
        workspaceId: workspace.id,
        userId: user.id,
        role: 'dev',
        permissions: { projectPermissions: ['web/*', 'api/prod'] },
        now: T0,
      });
      expect(member).toMatchObject({
        workspaceId: workspace.id,
        userId: user.id,
        role: 'dev',
        permissions: { projectPermissions: ['web/*', 'api/prod'] },
        isActive: true,
        joinedAt: T0,
        user: { id: user.id, name: 'Member Name', email: user.email },
      });
      const row = await ctx.row('workspace_members', member.id);
      expect([raw.num(row.workspace_id), raw.num(row.user_id), raw.num(row.role_id), raw.bool(row.is_active)]).toEqual([workspace.id, user.id, DEV_ROLE_ID, true]);
      expect(raw.json(row.permissions)).toEqual({ projectPermissions: ['web/*', 'api/prod'] });
      expect(raw.time(row.joined_at)).toBe(T0.getTime());
    });

    it('stores null permissions as SQL NULL', async () => {
      const { user, workspace } = await memberSetup();
      const member = await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'owner', permissions: null, now: T0 });
      expect(member.permissions).toBeNull();
      const row = await ctx.row('workspace_members', member.id);
      expect(row.permissions).toBeNull();
      expect(raw.num(row.role_id)).toBe(OWNER_ROLE_ID);
    });

    it('refuses a second active membership: workspace_members', async () => {
      const { user, workspace } = await memberSetup();
      await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'owner', permissions: null, now: T0 });
      await expectConflict(
        ctx.storage.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'viewer', permissions: null, now: at(1) }),
        'workspace_members',
      );
      expect(await ctx.rows('workspace_members')).toHaveLength(1);
    });

    it('reactivates a removed member in place with the new role and joined_at', async () => {
      const { user, workspace } = await memberSetup();
      const first = await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'dev', permissions: null, now: T0 });
      await ctx.storage.members.removeMember({ workspaceId: workspace.id, userId: user.id, now: at(1) });
      const again = await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'viewer', permissions: null, now: at(2) });
      expect(again.id).toBe(first.id);
      expect(again).toMatchObject({ role: 'viewer', isActive: true, joinedAt: at(2) });
      const rows = await ctx.rows('workspace_members');
      expect(rows).toHaveLength(1);
      expect([raw.num(rows[0]!.role_id), raw.bool(rows[0]!.is_active), raw.time(rows[0]!.joined_at)]).toEqual([VIEWER_ROLE_ID, true, at(2).getTime()]);
    });
  });

  describe('members.getMember', () => {
    it('returns the active membership; null when removed, missing or in another workspace', async () => {
      const { f, user, workspace } = await memberSetup();
      const other = await f.workspace();
      const member = await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'admin', permissions: null, now: T0 });
      expect(await ctx.storage.members.getMember(workspace.id, user.id)).toEqual(member);
      expect(await ctx.storage.members.getMember(other.id, user.id)).toBeNull();
      expect(await ctx.storage.members.getMember(workspace.id, user.id + 1000)).toBeNull();
      await ctx.storage.members.removeMember({ workspaceId: workspace.id, userId: user.id, now: at(1) });
      expect(await ctx.storage.members.getMember(workspace.id, user.id)).toBeNull();
    });
  });

  describe('members.listMembers', () => {
    it('lists active members of the workspace, id ascending', async () => {
      const { f, workspace } = await memberSetup();
      const other = await f.workspace();
      const users = [await f.user(), await f.user(), await f.user()];
      for (const u of [users[2]!, users[0]!, users[1]!]) {
        await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: u.id, role: 'viewer', permissions: null, now: T0 });
      }
      await ctx.storage.members.addMember({ workspaceId: other.id, userId: users[0]!.id, role: 'owner', permissions: null, now: T0 });
      await ctx.storage.members.removeMember({ workspaceId: workspace.id, userId: users[0]!.id, now: at(1) });
      const list = await ctx.storage.members.listMembers(workspace.id, { limit: 100 });
      expect(list.map((m) => m.userId)).toEqual([users[2]!.id, users[1]!.id]);
      expect(list.map((m) => m.id)).toEqual([...list.map((m) => m.id)].sort((a, b) => a - b));
      expect(list[0]!.user.email).toBe(users[2]!.email);
      expect(await ctx.storage.members.listMembers(workspace.id + 1000, { limit: 100 })).toEqual([]);
    });
  });

  describe('members.setMemberRole', () => {
    it('updates role_id and updated_at of the active member', async () => {
      const { user, workspace } = await memberSetup();
      const member = await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'viewer', permissions: null, now: T0 });
      const updated = await ctx.storage.members.setMemberRole({ workspaceId: workspace.id, userId: user.id, role: 'owner', now: at(3) });
      expect(updated).toMatchObject({ id: member.id, role: 'owner', updatedAt: at(3) });
      const row = await ctx.row('workspace_members', member.id);
      expect(raw.num(row.role_id)).toBe(OWNER_ROLE_ID);
      expect(raw.time(row.updated_at)).toBe(at(3).getTime());
    });

    it('returns null for a removed or unknown member and writes nothing', async () => {
      const { user, workspace } = await memberSetup();
      await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'viewer', permissions: null, now: T0 });
      await ctx.storage.members.removeMember({ workspaceId: workspace.id, userId: user.id, now: at(1) });
      expect(await ctx.storage.members.setMemberRole({ workspaceId: workspace.id, userId: user.id, role: 'owner', now: at(2) })).toBeNull();
      expect(await ctx.storage.members.setMemberRole({ workspaceId: workspace.id, userId: user.id + 1000, role: 'owner', now: at(2) })).toBeNull();
      expect(raw.num((await ctx.rows('workspace_members'))[0]!.role_id)).toBe(VIEWER_ROLE_ID);
    });
  });

  describe('members.removeMember', () => {
    it('soft-deletes the row; false when there is no active member', async () => {
      const { user, workspace } = await memberSetup();
      const member = await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: user.id, role: 'dev', permissions: null, now: T0 });
      expect(await ctx.storage.members.removeMember({ workspaceId: workspace.id, userId: user.id, now: at(1) })).toBe(true);
      const row = await ctx.row('workspace_members', member.id);
      expect(raw.bool(row.is_active)).toBe(false);
      expect(raw.time(row.updated_at)).toBe(at(1).getTime());
      expect(await ctx.storage.members.removeMember({ workspaceId: workspace.id, userId: user.id, now: at(2) })).toBe(false);
      expect(await ctx.storage.members.removeMember({ workspaceId: workspace.id, userId: user.id + 1000, now: at(2) })).toBe(false);
    });
  });

  describe('members.countMembers', () => {
    it('counts active members, optionally of one role', async () => {
      const { f, workspace } = await memberSetup();
      const [a, b, c] = [await f.user(), await f.user(), await f.user()];
      await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: a.id, role: 'owner', permissions: null, now: T0 });
      await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: b.id, role: 'owner', permissions: null, now: T0 });
      await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: c.id, role: 'dev', permissions: null, now: T0 });
      expect(await ctx.storage.members.countMembers(workspace.id)).toBe(3);
      expect(await ctx.storage.members.countMembers(workspace.id, { role: 'owner' })).toBe(2);
      await ctx.storage.members.removeMember({ workspaceId: workspace.id, userId: a.id, now: at(1) });
      expect(await ctx.storage.members.countMembers(workspace.id)).toBe(2);
      expect(await ctx.storage.members.countMembers(workspace.id, { role: 'owner' })).toBe(1);
      expect(await ctx.storage.members.countMembers(workspace.id, { role: 'billing' })).toBe(0);
      expect(await ctx.storage.members.countMembers(workspace.id + 1000)).toBe(0);
    });
  });
}
