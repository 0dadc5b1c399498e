import { describe, expect, it } from 'vitest';
import type { RoleCode } from '../src/domain/permissions.js';
import { createTestEngine, failure } from './support/engine.js';

/**
 * The caller's own role decides what it may grant, so it is re-read under the workspace lock: a
 * demotion (or removal) that commits between the caller's pre-check and its transaction wins.
 */
describe('members: the caller is re-checked under the workspace lock', () => {
  /** Two owners, Ann and Dan, and a dev, Carl; Dan's role becomes `demotedTo` just before his transaction starts. */
  async function callerChangedMidway(demotedTo: RoleCode | 'removed') {
    const t = await createTestEngine();
    const { actor: ann, workspaceSlug, workspaceId } = await t.workspace('ann@example.com', 'Acme', 'pro');
    const dan = await t.user('dan@example.com');
    const carl = await t.user('carl@example.com');
    await t.user('eve@example.com');
    await t.engine.members.add(ann, { workspaceSlug, email: 'dan@example.com', role: 'owner' });
    await t.engine.members.add(ann, { workspaceSlug, email: 'carl@example.com', role: 'dev' });
    const transaction = t.storage.transaction.bind(t.storage);
    let changed = false;
    t.storage.transaction = async (fn) => {
      if (!changed) {
        changed = true;
        // Ann's concurrent request commits first.
        const change = { workspaceId, userId: dan.userId, now: t.clock.now() };
        if (demotedTo === 'removed') await t.storage.members.removeMember(change);
        else await t.storage.members.setMemberRole({ ...change, role: demotedTo });
      }
      return transaction(fn);
    };
    const roleOf = async (userId: number) => (await t.storage.members.getMember(workspaceId, userId))?.role ?? null;
    return { t, ann, dan, carl, workspaceSlug, roleOf };
  }
  const ownerRule = { error: 'Forbidden', message: 'Only an owner can grant or remove the owner role' };

  it('an owner demoted to admin after the pre-check cannot grant owner by adding a member', async () => {
    const { t, dan, workspaceSlug, roleOf } = await callerChangedMidway('admin');
    expect(await failure(t.engine.members.add(dan, { workspaceSlug, email: 'eve@example.com', role: 'owner' }))).toMatchObject(ownerRule);
    const eve = await t.storage.users.getUserByEmail('eve@example.com');
    expect(await roleOf(eve!.id)).toBeNull();
  });

  it('an owner demoted to admin after the pre-check cannot promote a member to owner', async () => {
    const { t, dan, carl, workspaceSlug, roleOf } = await callerChangedMidway('admin');
    expect(await failure(t.engine.members.updateRole(dan, { workspaceSlug, userId: carl.userId, role: 'owner' }))).toMatchObject(ownerRule);
    expect(await roleOf(carl.userId)).toBe('dev');
  });

  it('an owner demoted to admin after the pre-check cannot remove an owner', async () => {
    const { t, ann, dan, workspaceSlug, roleOf } = await callerChangedMidway('admin');
    expect(await failure(t.engine.members.remove(dan, { workspaceSlug, userId: ann.userId }))).toMatchObject(ownerRule);
    expect(await roleOf(ann.userId)).toBe('owner');
  });

  it('a caller who lost canManageMembers, or the membership, after the pre-check changes nothing', async () => {
    const viewer = await callerChangedMidway('viewer');
    expect(await failure(viewer.t.engine.members.updateRole(viewer.dan, { workspaceSlug: viewer.workspaceSlug, userId: viewer.carl.userId, role: 'viewer' }))).toMatchObject({
      error: 'Forbidden',
      message: 'You do not have permission to perform this action (requires canManageMembers)',
    });
    expect(await viewer.roleOf(viewer.carl.userId)).toBe('dev');

    const removed = await callerChangedMidway('removed');
    expect(await failure(removed.t.engine.members.remove(removed.dan, { workspaceSlug: removed.workspaceSlug, userId: removed.carl.userId }))).toMatchObject({
      error: 'Forbidden',
      message: 'You do not have access to this workspace',
    });
    expect(await removed.roleOf(removed.carl.userId)).toBe('dev');
  });

  it('a caller still an owner under the lock goes ahead', async () => {
    const { t, dan, carl, workspaceSlug, roleOf } = await callerChangedMidway('owner');
    expect((await t.engine.members.updateRole(dan, { workspaceSlug, userId: carl.userId, role: 'owner' })).data.role).toBe('owner');
    expect(await roleOf(carl.userId)).toBe('owner');
  });
});
