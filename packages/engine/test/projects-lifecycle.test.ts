import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';
import { hasPermission, permissionsOf } from '../src/domain/permissions.js';
import type { AccessControl } from '../src/ports/access.js';
import { createFakeClock, createMemoryStorage, createTestSecretBox } from '../src/testing/index.js';
import { createTestEngine, failure, PUBLIC_URL } from './support/engine.js';

/** What REST and tRPC cannot reach deterministically: a host's own AccessControl, scope-limited members, a delete between check and insert. */
describe('workspaces.list with a host AccessControl', () => {
  it("lists the members-table workspaces the host confirms, with the host's role, and keeps the cursor honest", async () => {
    const storage = createMemoryStorage({ migrated: true });
    const clock = createFakeClock();
    let denied = new Set<number>();
    const access: AccessControl = {
      async membership(actor, workspaceId) {
        if (denied.has(workspaceId)) return null;
        const stored = await storage.members.getMember(workspaceId, actor.userId);
        return stored && { ...stored, role: 'admin' };
      },
      can: (member, permission) => hasPermission(permissionsOf(member.role), permission),
    };
    const engine = createEngine({ storage, secrets: createTestSecretBox(), publicUrl: PUBLIC_URL, clock, access });
    const u = await storage.users.createUser({ email: 'ann@example.com', name: 'Ann', now: clock.now() });
    const actor = { userId: u.id };
    const ids: number[] = [];
    for (const name of ['One', 'Two', 'Three']) ids.push((await engine.workspaces.create(actor, { name })).data.id);
    denied = new Set([ids[1]!]);
    const first = await engine.workspaces.list(actor, { limit: 2 });
    // The host refused the second workspace: the page is short, yet the cursor still leads on.
    expect(first.data.map((w) => [w.id, w.userRole])).toEqual([[ids[0], 'admin']]);
    expect(first.nextCursor).not.toBeNull();
    const second = await engine.workspaces.list(actor, { limit: 2, cursor: first.nextCursor! });
    expect(second).toMatchObject({ count: 1, nextCursor: null, data: [{ id: ids[2], userRole: 'admin' }] });
  });
});

describe('projects.list and projectPermissions', () => {
  it('lists only the projects a scope-limited member may get', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug, workspaceId } = await t.workspace('ann@example.com', 'Acme', 'ultimate');
    const shop = (await t.engine.projects.create(actor, { workspaceSlug, name: 'Shop' })).data.slug;
    const blog = (await t.engine.projects.create(actor, { workspaceSlug, name: 'Blog' })).data.slug;
    const docs = (await t.engine.projects.create(actor, { workspaceSlug, name: 'Docs' })).data.slug;
    const bob = await t.user('bob@example.com');
    await t.storage.members.addMember({ workspaceId, userId: bob.userId, role: 'dev', permissions: { projectPermissions: [`${shop}/*`, `${blog}/master`] }, now: t.clock.now() });
    const listed = await t.engine.projects.list(bob, { workspaceSlug });
    // blog is reachable only through one environment: like projects.get, the list leaves it out.
    expect(listed.data.map((p) => p.slug)).toEqual([shop]);
    expect(await failure(t.engine.projects.get(bob, { projectSlug: blog }))).toMatchObject({ error: 'Forbidden' });
    expect((await t.engine.projects.list(actor, { workspaceSlug })).data.map((p) => p.slug)).toEqual([shop, blog, docs]);
  });
});

describe('resource inserts against a concurrent delete', () => {
  it('refuses a register whose environment was deleted after its access check, inserting nothing', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug, workspaceId } = await t.workspace('ann@example.com', 'Acme', 'ultimate');
    await t.engine.projects.create(actor, { workspaceSlug, name: 'Default' });
    const projectSlug = (await t.engine.projects.create(actor, { workspaceSlug, name: 'Shop' })).data.slug;
    await t.engine.environments.create(actor, { projectSlug, name: 'staging' });
    // The delete commits between the register's access check and its transaction, as a slow request would see it.
    const transaction = t.storage.transaction.bind(t.storage);
    let interleave = true;
    t.storage.transaction = (async (fn) => {
      if (interleave) {
        interleave = false;
        await t.engine.environments.delete(actor, { projectSlug, environmentSlug: 'staging' });
      }
      return transaction(fn);
    }) as typeof t.storage.transaction;
    expect(await failure(t.engine.resources.register(actor, { projectSlug, environmentSlug: 'staging', resourceType: 'instance', name: 'web-1' }))).toMatchObject({
      error: 'Environment not found',
    });
    expect(interleave).toBe(false);
    expect(await t.storage.resources.countResources({ workspaceId })).toBe(0);

    // And a project deleted the same way.
    await t.engine.environments.create(actor, { projectSlug, name: 'prod' });
    interleave = true;
    t.storage.transaction = (async (fn) => {
      if (interleave) {
        interleave = false;
        await t.engine.projects.delete(actor, { projectSlug });
      }
      return transaction(fn);
    }) as typeof t.storage.transaction;
    expect(await failure(t.engine.resources.register(actor, { projectSlug, environmentSlug: 'prod', resourceType: 'instance', name: 'web-1' }))).toMatchObject({
      error: 'Project not found',
    });
    expect(await t.storage.resources.countResources({ workspaceId })).toBe(0);
  });
});
