import { createEngine, ERROR_CODE_TABLE, StorageConflictError, type Engine } from '@cloudlink/engine';
import { createFakeClock, createTestSecretBox, engineError } from '@cloudlink/engine/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { countingStorage, type StorageCalls } from './counting-storage.js';
import { createBackendStorage, describeBackends, startTestServer, type TestStorage } from './harness/index.js';

/**
 * The slug rule finds its slug in one query however many `base-N` are taken, checks plan limits
 * before any slug work, and answers 409 (never 500) when every candidate loses.
 */
const TAKEN = 300;
/** Calls a create may make whatever TAKEN is: scope, limits, one vacancy query, the transaction. */
const BOUND = 12;

describeBackends('slug probing', (backend) => {
  let backing: TestStorage;
  beforeEach(async () => {
    backing = await createBackendStorage(backend);
  });
  afterEach(() => backing.cleanup());

  const now = new Date('2030-01-01T00:00:00Z');
  function engineOver(override: Parameters<typeof countingStorage>[1] = {}, bytes?: Uint8Array): { engine: Engine } & StorageCalls {
    const counted = countingStorage(backing.storage, override);
    const random = bytes
      ? { bytes: (n: number) => bytes.slice(0, n), fraction: () => 0.5, uuid: () => '00000000-0000-4000-8000-000000000000' }
      : undefined;
    const engine = createEngine({
      storage: counted.storage,
      secrets: createTestSecretBox(),
      publicUrl: 'http://127.0.0.1:1',
      clock: createFakeClock(),
      ...(random ? { random } : {}),
    });
    return { engine, ...counted };
  }
  async function owner() {
    const user = await backing.storage.users.createUser({ email: 'owner@example.com', name: null, now });
    return { userId: user.id };
  }
  const statusOf = async (p: Promise<unknown>) => {
    const e = await engineError(p);
    return { status: ERROR_CODE_TABLE[e.code].http, error: e.error, message: e.message };
  };

  it(`workspaces: with acme … acme-${TAKEN - 1} taken, gets acme-${TAKEN} in a bounded number of storage calls`, async () => {
    const actor = await owner();
    await backing.storage.workspaces.createWorkspace({ name: 'Acme', slug: 'acme', description: null, planId: 1, now });
    for (let i = 1; i < TAKEN; i++) await backing.storage.workspaces.createWorkspace({ name: 'Acme', slug: `acme-${i}`, description: null, planId: 1, now });
    const t = engineOver();
    const created = await t.engine.workspaces.create(actor, { name: 'Acme' });
    expect(created.data.slug).toBe(`acme-${TAKEN}`);
    expect(t.count()).toBeLessThanOrEqual(BOUND);
  });

  it('projects and environments: the first gap in a bounded number of calls; plan limits first', async () => {
    const actor = await owner();
    const t = engineOver();
    await t.engine.workspaces.create(actor, { name: 'Acme' });
    const ws = (await backing.storage.workspaces.getWorkspaceBySlug('acme'))!;
    const ultimate = (await backing.storage.plans.getPlanBySlug('ultimate'))!;
    await backing.storage.workspaces.setWorkspacePlan({ workspaceId: ws.id, planId: ultimate.id, now });
    await backing.storage.projects.createProject({ workspaceId: ws.id, userId: actor.userId, name: 'x', slug: 'shop', description: null, isDefault: false, now });
    for (let i = 1; i < TAKEN; i++) {
      if (i === 150) continue;
      await backing.storage.projects.createProject({ workspaceId: ws.id, userId: actor.userId, name: 'x', slug: `shop-${i}`, description: null, isDefault: false, now });
    }
    t.reset();
    const project = await t.engine.projects.create(actor, { workspaceSlug: 'acme', name: 'Shop' });
    expect(project.data.slug).toBe('shop-150');
    expect(t.count()).toBeLessThanOrEqual(BOUND);

    const p = (await backing.storage.projects.getProjectBySlug('shop-150'))!;
    for (let i = 1; i < TAKEN; i++) await backing.storage.environments.createEnvironment({ projectId: p.id, name: 'x', slug: `dev-${i}`, description: null, isDefault: false, now });
    t.reset();
    const env = await t.engine.environments.create(actor, { projectSlug: 'shop-150', name: 'Dev' });
    expect(env.data.slug).toBe('dev');
    t.reset();
    const env2 = await t.engine.environments.create(actor, { projectSlug: 'shop-150', name: 'Dev' });
    expect(env2.data.slug).toBe(`dev-${TAKEN}`);
    expect(t.count()).toBeLessThanOrEqual(BOUND);
  });

  it('a plan-limited create fails with the plan-limit 403 before any slug work', async () => {
    const actor = await owner();
    const t = engineOver();
    await t.engine.workspaces.create(actor, { name: 'Acme' });
    await t.engine.projects.create(actor, { workspaceSlug: 'acme', name: 'Shop' }); // free plan: max_projects 1
    t.reset();
    const refused = await statusOf(t.engine.projects.create(actor, { workspaceSlug: 'acme', name: 'Shop' }));
    expect(refused).toMatchObject({ status: 403, error: 'Plan limit exceeded' });
    // The one transaction is the refusal's audit entry (docs/audit.md), after the check.
    expect(t.calls.filter((c) => /slugVacancy|SlugTaken|createProject|transaction/.test(c))).toEqual(['transaction']);
    expect((await backing.peek.rows('audit_log')).at(-1)).toMatchObject({ operation: 'projects.create', outcome: 'failure', error: 'Plan limit exceeded' });

    // free plan: max_environments_per_project 1, taken by master
    t.reset();
    const env = await statusOf(t.engine.environments.create(actor, { projectSlug: 'shop', name: 'Dev' }));
    expect(env).toMatchObject({ status: 403, error: 'Plan limit exceeded' });
    expect(t.calls.filter((c) => /slugVacancy|SlugTaken|createEnvironment|transaction/.test(c))).toEqual(['transaction']);
    expect((await backing.peek.rows('audit_log')).at(-1)).toMatchObject({ operation: 'environments.create', outcome: 'failure', error: 'Plan limit exceeded' });
  });

  it('an adversary that makes every insert lose its race gets 409 Slug unavailable after a bounded number of tries, never 500', async () => {
    const actor = await owner();
    const t = engineOver({
      'workspaces.createWorkspace': () => Promise.reject(new StorageConflictError('workspaces.slug')),
    });
    const refused = await statusOf(t.engine.workspaces.create(actor, { name: 'Acme' }));
    expect(refused).toEqual({ status: 409, error: 'Slug unavailable', message: 'Could not find a free slug for this name; try again or choose another name' });
    expect(t.count(/createWorkspace/)).toBeLessThanOrEqual(6);
    expect(await backing.peek.rows('workspaces')).toEqual([]);
  });

  it('past the numbered range and with the random fallback taken too, still no 500', async () => {
    const actor = await owner();
    const zeros = new Uint8Array(8); // the random suffix is then always `aaaaaaaa`
    for (const slug of ['acme', 'acme-1', 'acme-aaaaaaaa']) await backing.storage.workspaces.createWorkspace({ name: 'Acme', slug, description: null, planId: 1, now });
    const t = engineOver({}, zeros);
    // acme-2 is free: numbered slugs still come first
    expect((await t.engine.workspaces.create(actor, { name: 'Acme' })).data.slug).toBe('acme-2');
    // Every numbered candidate "loses a race": the random one is tried, and it is taken too.
    const racing = engineOver({ 'workspaces.slugVacancy': () => Promise.resolve({ baseFree: false, firstFreeSuffix: 1 }) }, zeros);
    const refused = await statusOf(racing.engine.workspaces.create(actor, { name: 'Acme' }));
    expect(refused.status).toBe(409);
    expect((await backing.peek.rows('workspaces')).map((r) => r.slug).sort()).toEqual(['acme', 'acme-1', 'acme-2', 'acme-aaaaaaaa']);
  });
});

describeBackends('slug probing over REST and tRPC', (backend) => {
  it('the first free numbered slug, past a long taken run and a suffix that overflows nine digits', async () => {
    const server = await startTestServer({ backend });
    try {
      const owner = await server.createUser('owner@example.com');
      const now = new Date();
      for (const slug of ['acme', ...Array.from({ length: 60 }, (_, i) => `acme-${i + 1}`), 'acme-99999999999999999999']) {
        await server.storage.workspaces.createWorkspace({ name: 'Acme', slug, description: null, planId: 4, now });
      }
      const rest = await server.rest('POST', '/api/workspaces', { token: owner.token, body: { name: 'Acme' } });
      expect(rest).toMatchObject({ status: 201, body: { data: { slug: 'acme-61' } } });
      const trpc = await server.trpcClient(owner.token).workspaces.create.mutate({ name: 'ACME' });
      expect(trpc.data.slug).toBe('acme-62');
      const ws = (await server.storage.workspaces.getWorkspaceBySlug('acme-61'))!;
      await server.storage.workspaces.setWorkspacePlan({ workspaceId: ws.id, planId: 4, now });
      for (const name of ['Shop', 'Shop', 'shop 2']) expect((await server.rest('POST', '/api/workspaces/acme-61/projects', { token: owner.token, body: { name } })).status).toBe(201);
      expect((await server.peek.rows('projects')).map((r) => r.slug)).toEqual(['shop', 'shop-1', 'shop-2']);
      const env = await server.trpcClient(owner.token).environments.create.mutate({ projectSlug: 'shop', name: 'master' });
      expect(env.data.slug).toBe('master-1');
    } finally {
      await server.close();
    }
  });
});
