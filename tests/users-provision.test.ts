import { createEngine, isEngineError, type AccessControl, type Engine, type StorageTx, type UserIdActor } from '@cloudlink/engine';
import { createFakeClock, createTestSecretBox } from '@cloudlink/engine/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { countingStorage } from './counting-storage.js';
import { attachPostgresStorage, createBackendStorage, type Backend, type TestStorage } from './harness/backends.js';
import { describeBackends } from './harness/describe-backends.js';

/**
 * `users.provision` and external-id actors on the real storages: a host maps its own user ids to
 * cloudlink (docs/access.md#provisioning-users) and calls the engine as those users.
 */

const opened: TestStorage[] = [];
afterEach(async () => {
  for (const s of opened.splice(0).reverse()) await s.cleanup();
});

async function open(backend: Backend) {
  const t = await createBackendStorage(backend);
  opened.push(t);
  return t;
}

const engineOver = (t: Pick<TestStorage, 'storage'>, access?: (storage: TestStorage['storage']) => AccessControl): Engine =>
  createEngine({ storage: t.storage, secrets: createTestSecretBox(), publicUrl: 'https://cloudlink.example.com', clock: createFakeClock(), defaultPlan: 'pro', ...(access ? { access: access(t.storage) } : {}) });

/** `error message` of an engine failure (and its first field, for validation), or `ok`. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!isEngineError(e)) throw e;
    const body = e.toBody() as { details?: { path: string; message: string }[] };
    return `${e.code} ${e.message}${body.details ? ` [${body.details.map((d) => d.path).join(',')}]` : ''}`;
  }
}

describeBackends('users.provision', (backend) => {
  it('creates the user on first sight, then answers the same row without writing', async () => {
    const t = await open(backend);
    const engine = engineOver(t);
    const first = await engine.users.provision({ externalId: 'auth0|5f2a', email: 'Ada@Example.com', name: '  Ada  ' });
    expect(first).toEqual({ created: true, user: { id: first.user.id, email: 'ada@example.com', name: 'Ada', externalId: 'auth0|5f2a' } });
    const [row] = await t.peek.rows('users');
    expect([row!.email, row!.name, row!.external_id]).toEqual(['ada@example.com', 'Ada', 'auth0|5f2a']);
    const again = await engine.users.provision({ externalId: 'auth0|5f2a', email: 'ada@example.com', name: 'Ada' });
    expect(again).toEqual({ created: false, user: first.user });
    expect(await t.peek.rows('users')).toEqual([row]);
  });

  it('brings email and name up to date; an omitted name stays, null clears it', async () => {
    const t = await open(backend);
    const engine = engineOver(t);
    const { user } = await engine.users.provision({ externalId: 'idp-1', email: 'old@example.com', name: 'Old' });
    expect((await engine.users.provision({ externalId: 'idp-1', email: 'new@example.com' })).user).toEqual({ ...user, email: 'new@example.com' });
    expect((await engine.users.provision({ externalId: 'idp-1', email: 'new@example.com', name: 'New' })).user.name).toBe('New');
    expect((await engine.users.provision({ externalId: 'idp-1', email: 'new@example.com', name: null })).user.name).toBeNull();
    const rows = await t.peek.rows('users');
    expect(rows.map((r) => [r.email, r.name, r.external_id])).toEqual([['new@example.com', null, 'idp-1']]);
    // The external id is the host's opaque id: another case is another user.
    expect((await engine.users.provision({ externalId: 'IDP-1', email: 'other@example.com' })).created).toBe(true);
  });

  it("refuses another user's email with 409, on first sight and as a change, and changes nothing", async () => {
    const t = await open(backend);
    const engine = engineOver(t);
    const { user: seeded } = await engine.operator.seed({ workspace: 'acme', project: 'web', environment: 'prod', email: 'ops@example.com', role: 'owner' });
    await engine.users.provision({ externalId: 'idp-2', email: 'two@example.com', name: 'Two' });
    const before = await t.peek.rows('users');
    expect(await outcome(engine.users.provision({ externalId: 'idp-3', email: 'OPS@example.com' }))).toBe('CONFLICT Another user already has this email address');
    expect(await outcome(engine.users.provision({ externalId: 'idp-2', email: 'ops@example.com', name: 'Renamed' }))).toBe('CONFLICT Another user already has this email address');
    expect(await t.peek.rows('users')).toEqual(before);
    // The seeded user keeps its email and gains no external id: users are never merged.
    expect(await t.storage.users.getUserById(seeded.id)).toMatchObject({ email: 'ops@example.com', externalId: null });
  });

  it('refuses bad input with 400 naming the field, before writing anything', async () => {
    const t = await open(backend);
    const engine = engineOver(t);
    const cases: [unknown, string][] = [
      [{ email: 'a@example.com' }, 'VALIDATION externalId: required [externalId]'],
      [{ externalId: '', email: 'a@example.com' }, 'VALIDATION externalId: must not be empty [externalId]'],
      [{ externalId: 'x'.repeat(256), email: 'a@example.com' }, 'VALIDATION externalId: must be at most 255 characters [externalId]'],
      [{ externalId: ' padded', email: 'a@example.com' }, 'VALIDATION externalId: must not start or end with whitespace [externalId]'],
      [{ externalId: 'tab\there', email: 'a@example.com' }, 'VALIDATION externalId: must not contain control characters [externalId]'],
      [{ externalId: 42, email: 'a@example.com' }, 'VALIDATION externalId: must be a string [externalId]'],
      [{ externalId: 'ok' }, 'VALIDATION email: required [email]'],
      [{ externalId: 'ok', email: 'not-an-email' }, 'VALIDATION email: must be an email address [email]'],
      [{ externalId: 'ok', email: `${'a'.repeat(250)}@example.com` }, 'VALIDATION email: must be at most 254 characters [email]'],
      [{ externalId: 'ok', email: 'a@example.com', name: 'n'.repeat(101) }, 'VALIDATION name: must be at most 100 characters [name]'],
      [{ externalId: 'nul\u0000', email: 'a@example.com' }, 'VALIDATION externalId: must not contain NUL characters [externalId]'],
    ];
    for (const [input, expected] of cases) expect(await outcome(engine.users.provision(input as never))).toBe(expected);
    expect(await t.peek.rows('users')).toEqual([]);
  });
});

describeBackends('external-id actors', (backend) => {
  it('act like the user they name, everywhere an actor is taken; the audit log records the user id', async () => {
    const t = await open(backend);
    const engine = engineOver(t);
    const { user } = await engine.users.provision({ externalId: 'google-oauth2|1180', email: 'eve@example.com', name: 'Eve' });
    const eve = { externalId: 'google-oauth2|1180', requestId: 'req-eve-1' };
    const ws = await engine.workspaces.create(eve, { name: 'Eve Co' });
    const project = await engine.projects.create(eve, { workspaceSlug: ws.data.slug, name: 'Web' });
    await engine.environments.create(eve, { projectSlug: project.data.slug, name: 'Prod' });
    expect((await engine.environments.list(eve, { projectSlug: project.data.slug })).data.map((e) => e.slug)).toEqual(['master', 'prod']);
    expect((await engine.members.list(eve, { workspaceSlug: ws.data.slug })).data.map((m) => m.userId)).toEqual([user.id]);
    expect(project.data.userId).toBe(user.id);
    const audit = await engine.audit.list(eve, { workspaceSlug: ws.data.slug });
    expect(audit.data.map((e) => [e.operation, e.actor, e.requestId])).toEqual([
      ['environments.create', { kind: 'user', userId: user.id }, 'req-eve-1'],
      ['projects.create', { kind: 'user', userId: user.id }, 'req-eve-1'],
      ['workspaces.create', { kind: 'user', userId: user.id }, 'req-eve-1'],
    ]);
    // The same user by cloudlink's id still works, unchanged.
    expect((await engine.workspaces.get({ userId: user.id }, { workspaceSlug: ws.data.slug })).data.id).toBe(ws.data.id);
  });

  it('a refused mutation is recorded for the resolved user too', async () => {
    const t = await open(backend);
    const engine = engineOver(t);
    await engine.users.provision({ externalId: 'owner', email: 'owner@example.com' });
    const { user: viewer } = await engine.users.provision({ externalId: 'viewer', email: 'viewer@example.com' });
    const ws = await engine.workspaces.create({ externalId: 'owner' }, { name: 'Acme' });
    await t.storage.members.addMember({ workspaceId: ws.data.id, userId: viewer.id, role: 'viewer', permissions: null, now: new Date() });
    expect(await outcome(engine.projects.create({ externalId: 'viewer' }, { workspaceSlug: ws.data.slug, name: 'X' }))).toMatch(/^FORBIDDEN /);
    const [failure] = (await engine.audit.list({ externalId: 'owner' }, { workspaceSlug: ws.data.slug })).data;
    expect([failure?.operation, failure?.outcome, failure?.actor]).toEqual(['projects.create', 'failure', { kind: 'user', userId: viewer.id }]);
  });

  it('401 for an unknown, over-long or mismatched external id; 403/404 as for any user after that', async () => {
    const t = await open(backend);
    const engine = engineOver(t);
    const { user: eve } = await engine.users.provision({ externalId: 'eve', email: 'eve@example.com' });
    const { user: mal } = await engine.users.provision({ externalId: 'mal', email: 'mal@example.com' });
    await engine.workspaces.create({ externalId: 'eve' }, { name: 'Acme' });
    const unauthorized = 'UNAUTHENTICATED Missing or invalid authentication token';
    for (const actor of [{ externalId: 'nobody' }, { externalId: 'EVE' }, { externalId: 'x'.repeat(256) }, { externalId: '' }, { userId: eve.id, externalId: 'mal' }]) {
      expect(await outcome(engine.workspaces.get(actor, { workspaceSlug: 'acme' }))).toBe(unauthorized);
      expect(await outcome(engine.workspaces.create(actor, { name: 'Other' }))).toBe(unauthorized);
      expect(await outcome(engine.environments.list(actor, { projectSlug: 'acme' }))).toBe(unauthorized);
    }
    expect(await outcome(engine.workspaces.get({ externalId: 'mal' }, { workspaceSlug: 'acme' }))).toMatch(/^FORBIDDEN /);
    expect(await outcome(engine.workspaces.get({ externalId: 'mal' }, { workspaceSlug: 'nope' }))).toMatch(/^NOT_FOUND /);
    expect(await outcome(engine.workspaces.get({ userId: eve.id, externalId: 'eve' }, { workspaceSlug: 'acme' }))).toBe('ok');
    expect(mal.id).not.toBe(eve.id);
    expect(await t.peek.rows('workspaces')).toHaveLength(1);
  });

  it("reads the scope in one storage call, whichever id names the user; a host's AccessControl is told both ids", async () => {
    const t = await open(backend);
    const counted = countingStorage(t.storage);
    const told: UserIdActor[] = [];
    const engine = engineOver({ storage: counted.storage }, (storage) => {
      return {
        membership(actor, workspaceId) {
          told.push(actor);
          return storage.members.getMember(workspaceId, actor.userId);
        },
        can: () => true,
      };
    });
    const { user } = await engine.users.provision({ externalId: 'kim', email: 'kim@example.com' });
    await engine.operator.seed({ workspace: 'acme', project: 'web', environment: 'prod', email: 'kim@example.com', role: 'owner' });
    for (const actor of [{ userId: user.id }, { externalId: 'kim' }]) {
      counted.reset();
      await engine.environments.list(actor, { projectSlug: 'web' });
      expect(counted.calls.filter((c) => /^(?:scopes|users)\./.test(c))).toEqual(['scopes.projectScope']);
    }
    expect(told).toEqual([{ userId: user.id, externalId: 'kim' }, { userId: user.id, externalId: 'kim' }]);
  });
});

describe('users.provision on Postgres: two app instances, one database', () => {
  it('provisioning one external id from both at once makes one row, and every call answers it', async () => {
    const main = await open('postgres');
    const other = attachPostgresStorage(main.url!);
    opened.push(other);
    const [a, b] = [engineOver(main), engineOver(other)];
    const calls = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).users.provision({ externalId: 'auth0|race', email: 'race@example.com', name: 'Race' }));
    const results = await Promise.all(calls);
    const rows = await main.peek.rows('users');
    expect(rows.map((r) => [r.email, r.external_id])).toEqual([['race@example.com', 'auth0|race']]);
    expect(new Set(results.map((r) => r.user.id))).toEqual(new Set([Number(rows[0]!.id)]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('a provision of the same id committed between the two reads of another is taken as its own row, not as a 409', async () => {
    const main = await open('postgres');
    const other = attachPostgresStorage(main.url!);
    opened.push(other);
    let open_!: () => void;
    const gate = new Promise<void>((r) => (open_ = r));
    let paused!: () => void;
    const reached = new Promise<void>((r) => (paused = r));
    // Instance B reads "no such external id", then waits while instance A creates and commits it.
    const heldAfterLookup = new Proxy(other.storage, {
      get: (target, key, receiver) =>
        key === 'transaction'
          ? (fn: (tx: StorageTx) => Promise<unknown>) =>
              target.transaction((tx) =>
                fn(new Proxy(tx, {
                  get: (t, k, r) =>
                    k === 'users'
                      ? new Proxy(t.users, {
                          get: (u, m, ur) =>
                            m === 'getUserByExternalId'
                              ? async (id: string) => {
                                  const found = await u.getUserByExternalId(id);
                                  paused();
                                  await gate;
                                  return found;
                                }
                              : Reflect.get(u, m, ur),
                        })
                      : Reflect.get(t, k, r),
                })),
              )
          : Reflect.get(target, key, receiver),
    });
    const b = engineOver({ storage: heldAfterLookup }).users.provision({ externalId: 'idp|between', email: 'between@example.com', name: 'B' });
    await reached;
    const a = await engineOver(main).users.provision({ externalId: 'idp|between', email: 'between@example.com', name: 'A' });
    open_();
    expect(await b).toEqual({ created: false, user: { ...a.user, name: 'B' } });
    expect((await main.peek.rows('users')).map((r) => [r.external_id, r.name])).toEqual([['idp|between', 'B']]);
  });

  it('two external ids racing for one email: one user gets it, the other call is 409, nothing else is written', async () => {
    const main = await open('postgres');
    const other = attachPostgresStorage(main.url!);
    opened.push(other);
    const [a, b] = [engineOver(main), engineOver(other)];
    const outcomes = await Promise.all([
      outcome(a.users.provision({ externalId: 'idp|one', email: 'shared@example.com' })),
      outcome(b.users.provision({ externalId: 'idp|two', email: 'shared@example.com' })),
    ]);
    expect(outcomes.sort()).toEqual(['CONFLICT Another user already has this email address', 'ok']);
    const rows = await main.peek.rows('users');
    expect(rows).toHaveLength(1);
    expect(['idp|one', 'idp|two']).toContain(rows[0]!.external_id);
  });
});
