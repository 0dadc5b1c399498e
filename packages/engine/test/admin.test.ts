import { describe, expect, it } from 'vitest';
import { createTestEngine, failure } from './support/engine.js';

describe('workspaces', () => {
  it('creates a workspace owned by the caller on the free plan, with a slug from the name', async () => {
    const t = await createTestEngine();
    const actor = await t.user('ann@example.com');
    const res = await t.engine.workspaces.create(actor, { name: '  Acme  Corp_Ltd! ' });
    expect(res).toEqual({
      message: 'Workspace created successfully',
      data: {
        id: 1,
        name: 'Acme  Corp_Ltd!',
        slug: 'acme-corp-ltd',
        description: null,
        profileImage: null,
        planId: 1,
        isActive: true,
        createdAt: '2024-01-15T10:30:00.000Z',
        updatedAt: '2024-01-15T10:30:00.000Z',
      },
    });
    const got = await t.engine.workspaces.get(actor, { workspaceSlug: 'acme-corp-ltd' });
    expect(got.message).toBe('Workspace retrieved successfully');
    expect(got.data).toMatchObject({ userRole: 'owner', plan: { id: 1, slug: 'free', name: 'Free', restrictions: { max_projects: 1 } } });
  });

  it('suffixes taken and reserved slugs', async () => {
    const t = await createTestEngine();
    const actor = await t.user('ann@example.com');
    expect((await t.engine.workspaces.create(actor, { name: 'Acme' })).data.slug).toBe('acme');
    expect((await t.engine.workspaces.create(actor, { name: 'acme' })).data.slug).toBe('acme-1');
    expect((await t.engine.workspaces.create(actor, { name: 'Templates' })).data.slug).toBe('templates-1');
    expect((await t.engine.workspaces.create(actor, { name: '!!!' })).data.slug).toBe('untitled');
  });

  it('validates the body and requires an actor', async () => {
    const t = await createTestEngine();
    const actor = await t.user('ann@example.com');
    expect(await failure(t.engine.workspaces.create(null, { name: 'x' }))).toMatchObject({ error: 'Unauthorized' });
    expect(await failure(t.engine.workspaces.create({ userId: 999 }, { name: 'x' }))).toMatchObject({ error: 'Unauthorized' });
    expect(await failure(t.engine.workspaces.create(actor, { name: '   ' }))).toEqual({
      code: 'VALIDATION',
      retryAfter: undefined,
      error: 'Validation failed',
      message: 'name: must not be empty',
      details: [{ path: 'name', message: 'must not be empty' }],
    });
    expect(await failure(t.engine.workspaces.create(actor, { name: 'a'.repeat(101) }))).toMatchObject({ message: 'name: must be at most 100 characters' });
    expect(await failure(t.engine.workspaces.create(actor, {} as never))).toMatchObject({ message: 'name: required' });
    expect(await failure(t.engine.workspaces.create(actor, { name: 'ok', description: 'd'.repeat(351) }))).toMatchObject({
      message: 'description: must be at most 350 characters',
    });
  });

  it('404s an unknown workspace and 403s a non-member', async () => {
    const t = await createTestEngine();
    const { workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    const bob = await t.user('bob@example.com');
    expect(await failure(t.engine.workspaces.get(bob, { workspaceSlug: 'nope' }))).toMatchObject({ error: 'Workspace not found', message: 'The specified workspace does not exist' });
    expect(await failure(t.engine.workspaces.get(bob, { workspaceSlug }))).toMatchObject({ error: 'Forbidden', message: 'You do not have access to this workspace' });
  });
});

describe('projects and environments', () => {
  it('creates a project with master in one go; first project is default; plan limit applies', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    const res = await t.engine.projects.create(actor, { workspaceSlug, name: 'Shop', description: 'The shop' });
    expect(res).toEqual({
      message: 'Project created successfully',
      data: {
        id: 1,
        userId: actor.userId,
        workspaceId: 1,
        workspaceSlug: 'acme',
        name: 'Shop',
        slug: 'shop',
        description: 'The shop',
        isDefault: true,
        isActive: true,
        connectedCloudId: null,
        connectedCloud: null,
        createdAt: '2024-01-15T10:30:00.000Z',
        updatedAt: '2024-01-15T10:30:00.000Z',
      },
    });
    const envs = await t.engine.environments.list(actor, { projectSlug: 'shop' });
    expect(envs).toMatchObject({ message: 'Environments retrieved successfully', count: 1, data: [{ name: 'master', slug: 'master', isDefault: true, projectId: 1 }] });
    expect(await failure(t.engine.projects.create(actor, { workspaceSlug, name: 'Second' }))).toEqual({
      code: 'PLAN_LIMIT',
      retryAfter: undefined,
      error: 'Plan limit exceeded',
      message: 'You have reached the maximum number of projects (1) for your plan. Please upgrade to create more projects.',
      currentValue: 1,
      limit: 1,
      upgradeRequired: true,
    });
    expect(await failure(t.engine.environments.create(actor, { projectSlug: 'shop', name: 'staging' }))).toMatchObject({
      error: 'Plan limit exceeded',
      message: 'You have reached the maximum number of environments per project (1) for your plan. Please upgrade to create more environments.',
      currentValue: 1,
      limit: 1,
    });
    const got = await t.engine.projects.get(actor, { projectSlug: 'shop' });
    expect(got).toMatchObject({ message: 'Project retrieved successfully', data: { slug: 'shop', workspaceSlug: 'acme' } });
  });

  it('project slugs are global and skip reserved words; environments get suffixes per project', async () => {
    const t = await createTestEngine();
    const a = await t.workspace('ann@example.com', 'Acme', 'pro');
    const b = await t.workspace('bob@example.com', 'Beta', 'pro');
    expect((await t.engine.projects.create(a.actor, { workspaceSlug: a.workspaceSlug, name: 'Shop' })).data).toMatchObject({ slug: 'shop', isDefault: true });
    expect((await t.engine.projects.create(b.actor, { workspaceSlug: b.workspaceSlug, name: 'Shop' })).data).toMatchObject({ slug: 'shop-1', isDefault: true });
    expect((await t.engine.projects.create(a.actor, { workspaceSlug: a.workspaceSlug, name: 'API' })).data).toMatchObject({ slug: 'api-1', isDefault: false });
    const env = await t.engine.environments.create(a.actor, { projectSlug: 'shop', name: 'Master' });
    expect(env).toMatchObject({ message: 'Environment created successfully', data: { slug: 'master-1', name: 'Master', isDefault: false } });
    const list = await t.engine.environments.list(a.actor, { projectSlug: 'shop' });
    expect(list.count).toBe(2);
    expect(list.data.map((e) => e.slug)).toEqual(['master', 'master-1']);
  });

  it('checks permissions: a viewer cannot create projects or environments', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug, workspaceId } = await t.workspace('ann@example.com', 'Acme', 'pro');
    await t.engine.projects.create(actor, { workspaceSlug, name: 'Shop' });
    const viewer = await t.user('vic@example.com');
    await t.storage.members.addMember({ workspaceId, userId: viewer.userId, role: 'viewer', permissions: null, now: t.clock.now() });
    expect(await failure(t.engine.projects.create(viewer, { workspaceSlug, name: 'X' }))).toMatchObject({
      error: 'Forbidden',
      message: 'You do not have permission to perform this action (requires canManageProjects)',
    });
    expect(await failure(t.engine.environments.create(viewer, { projectSlug: 'shop', name: 'X' }))).toMatchObject({
      message: 'You do not have permission to perform this action (requires canManageEnvironments)',
    });
    expect((await t.engine.environments.list(viewer, { projectSlug: 'shop' })).count).toBe(1);
    const stranger = await t.user('sam@example.com');
    expect(await failure(t.engine.projects.get(stranger, { projectSlug: 'shop' }))).toMatchObject({ error: 'Forbidden', message: 'You do not have access to this project' });
    expect(await failure(t.engine.projects.get(stranger, { projectSlug: 'nope' }))).toMatchObject({ error: 'Project not found' });
  });

  it('concurrent project creates never overshoot the plan limit', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme', 'starter');
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => t.engine.projects.create(actor, { workspaceSlug, name: `P${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
  });
});

describe('members', () => {
  it('lists, adds (201 semantics), updates and removes members with the owner rules', async () => {
    const t = await createTestEngine();
    const { actor: ann, workspaceSlug, workspaceId } = await t.workspace('ann@example.com', 'Acme', 'pro');
    const bob = await t.user('bob@example.com');
    const list = await t.engine.members.list(ann, { workspaceSlug });
    expect(list).toMatchObject({ message: 'Members retrieved successfully', count: 1 });
    expect(list.data[0]).toEqual({
      id: 1,
      workspaceId,
      userId: ann.userId,
      role: 'owner',
      permissions: { projectPermissions: '*' },
      isActive: true,
      joinedAt: '2024-01-15T10:30:00.000Z',
      updatedAt: '2024-01-15T10:30:00.000Z',
      user: { id: ann.userId, name: 'ann', email: 'ann@example.com', profileImage: null },
    });
    const added = await t.engine.members.add(ann, { workspaceSlug, email: 'BOB@example.com' });
    expect(added).toMatchObject({ message: 'Member added successfully', data: { userId: bob.userId, role: 'member' } });
    expect(await failure(t.engine.members.add(ann, { workspaceSlug, email: 'bob@example.com' }))).toMatchObject({ error: 'Member already exists' });
    expect(await failure(t.engine.members.add(ann, { workspaceSlug, email: 'nobody@example.com' }))).toMatchObject({
      error: 'User not found',
      message: 'No user with this email exists',
    });
    expect(await failure(t.engine.members.add(ann, { workspaceSlug, email: 'not-an-email' }))).toMatchObject({ error: 'Validation failed', details: [{ path: 'email' }] });
    expect(await failure(t.engine.members.add(ann, { workspaceSlug, email: 'bob@example.com', role: 'boss' as never }))).toMatchObject({ details: [{ path: 'role' }] });

    const updated = await t.engine.members.updateRole(ann, { workspaceSlug, userId: String(bob.userId), role: 'admin' });
    expect(updated).toMatchObject({ message: 'Member role updated successfully', data: { role: 'admin' } });
    // An admin manages members but cannot touch the owner role.
    const carl = await t.user('carl@example.com');
    expect(await failure(t.engine.members.add(bob, { workspaceSlug, email: 'carl@example.com', role: 'owner' }))).toMatchObject({
      error: 'Forbidden',
      message: 'Only an owner can grant or remove the owner role',
    });
    expect(await failure(t.engine.members.updateRole(bob, { workspaceSlug, userId: ann.userId, role: 'dev' }))).toMatchObject({ message: 'Only an owner can grant or remove the owner role' });
    expect(await failure(t.engine.members.remove(bob, { workspaceSlug, userId: ann.userId }))).toMatchObject({ message: 'Only an owner can grant or remove the owner role' });
    // The last owner can be neither demoted nor removed.
    expect(await failure(t.engine.members.updateRole(ann, { workspaceSlug, userId: ann.userId, role: 'admin' }))).toMatchObject({
      code: 'PRECONDITION',
      error: 'Cannot remove last owner',
      message: 'A workspace must keep at least one owner',
    });
    expect(await failure(t.engine.members.remove(ann, { workspaceSlug, userId: ann.userId }))).toMatchObject({ error: 'Cannot remove last owner' });
    // Bad ids and unknown members.
    expect(await failure(t.engine.members.remove(ann, { workspaceSlug, userId: 'abc' }))).toMatchObject({ error: 'Validation failed', details: [{ path: 'userId' }] });
    expect(await failure(t.engine.members.remove(ann, { workspaceSlug, userId: carl.userId }))).toMatchObject({ error: 'Member not found' });
    // Removal, then re-adding reactivates the row with the new role.
    expect(await t.engine.members.remove(ann, { workspaceSlug, userId: bob.userId })).toEqual({ message: 'Member removed successfully' });
    t.clock.advance(60_000);
    const again = await t.engine.members.add(ann, { workspaceSlug, email: 'bob@example.com', role: 'dev' });
    expect(again.data).toMatchObject({ id: added.data.id, role: 'dev', isActive: true, joinedAt: '2024-01-15T10:31:00.000Z' });
    // With a second owner, the first may step down.
    await t.engine.members.updateRole(ann, { workspaceSlug, userId: bob.userId, role: 'owner' });
    expect((await t.engine.members.updateRole(ann, { workspaceSlug, userId: ann.userId, role: 'admin' })).data.role).toBe('admin');
  });

  it('enforces max_workspace_members', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    await t.user('bob@example.com');
    expect(await failure(t.engine.members.add(actor, { workspaceSlug, email: 'bob@example.com' }))).toMatchObject({
      error: 'Plan limit exceeded',
      message: 'You have reached the maximum number of workspace members (1) for your plan. Please upgrade to add more members.',
    });
  });
});

describe('members: the owner-role rule under concurrency', () => {
  /** An admin acts on a dev who is promoted to owner between the admin's pre-checks and its transaction. */
  async function promotedMidway() {
    const t = await createTestEngine();
    const { actor: ann, workspaceSlug, workspaceId } = await t.workspace('ann@example.com', 'Acme', 'pro');
    const bob = await t.user('bob@example.com');
    const carl = await t.user('carl@example.com');
    await t.engine.members.add(ann, { workspaceSlug, email: 'bob@example.com', role: 'admin' });
    await t.engine.members.add(ann, { workspaceSlug, email: 'carl@example.com', role: 'dev' });
    const transaction = t.storage.transaction.bind(t.storage);
    let promoted = false;
    t.storage.transaction = async (fn) => {
      if (!promoted) {
        promoted = true;
        // The owner's concurrent request commits first.
        await t.storage.members.setMemberRole({ workspaceId, userId: carl.userId, role: 'owner', now: t.clock.now() });
      }
      return transaction(fn);
    };
    return { t, bob, carl, workspaceSlug, workspaceId };
  }

  it('updateRole follows the workspace pipeline: userId format → member 404 → body 400 (see docs/access.md)', async () => {
    const t = await createTestEngine();
    const { actor: ann, workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    const stranger = await t.user('stranger@example.com');
    expect(await failure(t.engine.members.updateRole(ann, { workspaceSlug, userId: 'x', role: 'boss' as never }))).toMatchObject({ details: [{ path: 'userId' }] });
    expect(await failure(t.engine.members.updateRole(ann, { workspaceSlug, userId: stranger.userId, role: 'boss' as never }))).toMatchObject({ error: 'Member not found' });
    expect(await failure(t.engine.members.updateRole(ann, { workspaceSlug, userId: ann.userId, role: 'boss' as never }))).toMatchObject({ details: [{ path: 'role' }] });
  });

  it('an admin cannot demote a member who became an owner after the pre-check', async () => {
    const { t, bob, carl, workspaceSlug, workspaceId } = await promotedMidway();
    expect(await failure(t.engine.members.updateRole(bob, { workspaceSlug, userId: carl.userId, role: 'viewer' }))).toMatchObject({
      error: 'Forbidden',
      message: 'Only an owner can grant or remove the owner role',
    });
    expect((await t.storage.members.getMember(workspaceId, carl.userId))?.role).toBe('owner');
  });

  it('an admin cannot remove a member who became an owner after the pre-check', async () => {
    const { t, bob, carl, workspaceSlug, workspaceId } = await promotedMidway();
    expect(await failure(t.engine.members.remove(bob, { workspaceSlug, userId: carl.userId }))).toMatchObject({
      error: 'Forbidden',
      message: 'Only an owner can grant or remove the owner role',
    });
    expect((await t.storage.members.getMember(workspaceId, carl.userId))?.role).toBe('owner');
  });
});

describe('usage', () => {
  it('reports counts against the plan', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    await t.engine.projects.create(actor, { workspaceSlug, name: 'Shop' });
    expect(await t.engine.workspaces.usage(actor, { workspaceSlug })).toEqual({
      message: 'Workspace usage retrieved successfully',
      workspace: { id: 1, slug: 'acme', name: 'Acme' },
      plan: { id: 1, slug: 'free', name: 'Free' },
      usage: {
        projects: { current: 1, limit: 1, percentage: 100, unlimited: false },
        environments: { current: 1, limit: 1, percentage: 100, unlimited: false },
        resources: { current: 0, limit: 5, percentage: 0, unlimited: false },
        cloudConnections: { current: 0, limit: 1, percentage: 0, unlimited: false },
      },
    });
    const u = await t.workspace('bob@example.com', 'Big', 'ultimate');
    expect((await t.engine.workspaces.usage(u.actor, { workspaceSlug: u.workspaceSlug })).usage.projects).toEqual({ current: 0, limit: null, percentage: 0, unlimited: true });
  });
});

describe('operator', () => {
  it('seed is idempotent, ignores plan limits and sets role and plan', async () => {
    const t = await createTestEngine();
    const first = await t.engine.operator.seed({ workspace: 'acme', project: 'shop', environment: 'staging', email: 'Ops@Example.com', role: 'admin' });
    expect(first.user).toEqual({ id: 1, email: 'ops@example.com', name: null });
    expect(first.workspace).toMatchObject({ slug: 'acme', planId: 1 });
    expect(first.project).toMatchObject({ slug: 'shop', workspaceSlug: 'acme', isDefault: true, connectedCloud: null });
    expect(first.environment).toMatchObject({ slug: 'staging' });
    const again = await t.engine.operator.seed({ workspace: 'acme', project: 'shop', environment: 'staging', email: 'ops@example.com', role: 'owner', plan: 'pro' });
    expect(again.workspace).toMatchObject({ id: first.workspace.id, planId: 3 });
    expect(again.project.id).toBe(first.project.id);
    expect(again.environment.id).toBe(first.environment.id);
    const members = await t.engine.members.list({ userId: 1 }, { workspaceSlug: 'acme' });
    expect(members.data.map((m) => m.role)).toEqual(['owner']);
    // A second project beyond the free limit: the operator is not limited.
    const t2 = await createTestEngine();
    await t2.engine.operator.seed({ workspace: 'w', project: 'p1', environment: 'master', email: 'a@b.co', role: 'owner' });
    const p2 = await t2.engine.operator.seed({ workspace: 'w', project: 'p2', environment: 'e2', email: 'a@b.co', role: 'owner' });
    expect(p2.project).toMatchObject({ slug: 'p2', isDefault: false });
    expect(await failure(t.engine.operator.seed({ workspace: 'acme', project: 'shop', environment: 'x', email: 'a@b.co', role: 'root' as never }))).toMatchObject({
      error: 'Validation failed',
    });
  });
});
