import { describe, expect, it } from 'vitest';
import { createEngine, type EngineOptions } from '../src/index.js';
import { createFakeClock, createMemoryStorage, createSeededRandom, createTestSecretBox } from '../src/testing/index.js';

/** New workspaces get plan `free` unless the host configures another default. */
function build(extra: Partial<EngineOptions> = {}) {
  const storage = createMemoryStorage({ migrated: true });
  const engine = createEngine({
    storage,
    secrets: createTestSecretBox(),
    publicUrl: 'https://cloudlink.example.com',
    clock: createFakeClock(),
    random: createSeededRandom(1),
    ...extra,
  });
  return { engine, storage };
}

async function userActor(storage: ReturnType<typeof createMemoryStorage>, email: string) {
  const user = await storage.users.createUser({ email, name: null, now: new Date('2024-01-15T10:30:00.000Z') });
  return { userId: user.id };
}

describe('defaultPlan engine option', () => {
  it('workspaces.create uses free when no default is configured', async () => {
    const { engine, storage } = build();
    const actor = await userActor(storage, 'ann@example.com');
    const created = await engine.workspaces.create(actor, { name: 'Acme' });
    expect(created.data.planId).toBe(1);
    expect((await engine.workspaces.get(actor, { workspaceSlug: 'acme' })).data.plan).toMatchObject({ slug: 'free' });
  });

  it('workspaces.create and operator.seed (without plan) use the configured default', async () => {
    const { engine, storage } = build({ defaultPlan: 'pro' });
    const actor = await userActor(storage, 'ann@example.com');
    const created = await engine.workspaces.create(actor, { name: 'Acme' });
    expect((await engine.workspaces.get(actor, { workspaceSlug: created.data.slug })).data.plan).toMatchObject({ id: 3, slug: 'pro', name: 'Pro' });
    const usage = await engine.workspaces.usage(actor, { workspaceSlug: created.data.slug });
    expect(usage.plan).toEqual({ id: 3, slug: 'pro', name: 'Pro' });
    expect(usage.usage.projects.limit).toBe(15);

    const seeded = await engine.operator.seed({ workspace: 'seeded', project: 'shop', environment: 'prod', email: 'bob@example.com', role: 'owner' });
    expect(seeded.workspace.planId).toBe(3);
    const explicit = await engine.operator.seed({ workspace: 'other', project: 'shop2', environment: 'prod', email: 'bob@example.com', role: 'owner', plan: 'starter' });
    expect(explicit.workspace.planId).toBe(2);
  });

  it('createEngine rejects an unknown plan slug up front', () => {
    expect(() => build({ defaultPlan: 'gold' as never })).toThrow('createEngine: defaultPlan must be one of free, starter, pro, ultimate');
  });
});
