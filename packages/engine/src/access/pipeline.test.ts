import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';
import type { AccessControl } from '../ports/access.js';
import type { Member } from '../domain/records.js';
import { createMemoryStorage, createTestSecretBox } from '../testing/storage/index.js';
import { isEngineError } from '../errors/index.js';
import { createMembersAccessControl } from './default-access.js';

/**
 * The scope query reads the membership along with the user and the workspace; a host's own
 * AccessControl must still decide memberships (the joined row is used only with the default).
 */
async function setup(access?: (stored: AccessControl) => AccessControl) {
  const storage = createMemoryStorage({ migrated: true });
  const base = createEngine({ storage, secrets: createTestSecretBox(), publicUrl: 'http://localhost:3000' });
  const { user: owner } = await base.operator.seed({ workspace: 'acme', project: 'web', environment: 'prod', email: 'owner@example.com', role: 'owner' });
  const outsider = await storage.users.createUser({ email: 'outsider@example.com', name: null, now: new Date() });
  const engine = access ? createEngine({ storage, secrets: createTestSecretBox(), publicUrl: 'http://localhost:3000', access: access(createMembersAccessControl(storage)) }) : base;
  return { engine, owner, outsider };
}

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (isEngineError(e)) return `${e.code} ${e.message}`;
    throw e;
  }
  return 'ok';
};

describe('access pipeline with a host AccessControl', () => {
  it('the default reads the membership from the members table', async () => {
    const { engine, owner, outsider } = await setup();
    expect(await errorOf(engine.cloudConnections.list({ userId: owner.id }, { workspaceSlug: 'acme' }))).toBe('ok');
    expect(await errorOf(engine.cloudConnections.list({ userId: outsider.id }, { workspaceSlug: 'acme' }))).toMatch(/^FORBIDDEN /);
    expect(await errorOf(engine.dns.listZones({ userId: outsider.id }, { projectSlug: 'web', environmentSlug: 'prod' }))).toMatch(/^FORBIDDEN /);
  });

  it("asks the host's control, not the stored row: a host grant admits a non-member, a host refusal turns a member away", async () => {
    const calls: [number, number][] = [];
    const { engine, owner, outsider } = await setup((stored) => ({
      async membership(actor, workspaceId) {
        calls.push([actor.userId, workspaceId]);
        if (actor.userId === owner.id) return null;
        const template = (await stored.membership({ userId: owner.id }, workspaceId)) as Member;
        return { ...template, userId: actor.userId, role: 'viewer' };
      },
      can: (member, permission) => stored.can(member, permission),
    }));
    expect(await errorOf(engine.cloudConnections.list({ userId: owner.id }, { workspaceSlug: 'acme' }))).toMatch(/^FORBIDDEN /);
    expect(await errorOf(engine.cloudConnections.list({ userId: outsider.id }, { workspaceSlug: 'acme' }))).toBe('ok');
    expect(await errorOf(engine.dns.listZones({ userId: outsider.id }, { projectSlug: 'web', environmentSlug: 'prod' }))).toBe('ok');
    expect(await errorOf(engine.dns.listZones({ userId: owner.id }, { projectSlug: 'web', environmentSlug: 'prod' }))).toMatch(/^FORBIDDEN /);
    expect(calls.length).toBeGreaterThanOrEqual(4);
  });
});
