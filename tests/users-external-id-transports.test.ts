import type { IncomingMessage } from 'node:http';
import { provisionOnFirstSight, type Actor, type Engine, type HostIdentity } from '@cloudlink/engine';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestServer, trpcFailure, type TestServer } from './harness/index.js';

/**
 * A host with its own sessions (here: opaque session ids in `Authorization: Bearer`, looked up in
 * its own table) mounts REST and tRPC, provisions each person on first sight and hands cloudlink
 * an external-id actor: the pattern of the README's embedding section, over real HTTP.
 */
describeBackends('external-id actors over REST and tRPC', (backend) => {
  const sessions = new Map<string, HostIdentity>();
  const provisioned: string[] = [];
  let server: TestServer;

  /** The host's session middleware: its own lookup, then cloudlink's user on first sight. */
  const hostAuthenticate = (engine: Engine) => {
    const counted = { users: { provision: (input: HostIdentity) => (provisioned.push(input.externalId), engine.users.provision(input)) } };
    const actorFor = provisionOnFirstSight(counted);
    return async (req: IncomingMessage): Promise<Actor | null> => {
      const identity = sessions.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
      if (!identity) return null;
      // A person cloudlink cannot take (their email belongs to another user) is not authenticated here.
      return actorFor(identity).catch(() => null);
    };
  };

  beforeAll(async () => {
    server = await startTestServer({ backend, authenticate: hostAuthenticate });
  });
  afterAll(() => server.close());

  it('provisions on the first request, once, then serves every route as that user', async () => {
    sessions.set('s-alice', { externalId: 'auth0|alice', email: 'alice@example.com', name: 'Alice' });
    const before = provisioned.length;
    const first = await Promise.all([1, 2, 3].map(() => server.rest('GET', '/api/workspaces/none', { token: 's-alice' })));
    expect(first.map((r) => r.status)).toEqual([404, 404, 404]);
    const ws = await server.rest('POST', '/api/workspaces', { token: 's-alice', body: { name: 'Alice Co' }, headers: { 'x-request-id': 'alice-1' } });
    expect(ws).toMatchObject({ status: 201, body: { data: { slug: 'alice-co' } } });
    const trpc = server.trpcClient('s-alice');
    expect((await trpc.workspaces.get.query({ workspaceSlug: 'alice-co' })).data.userRole).toBe('owner');
    expect(provisioned.slice(before)).toEqual(['auth0|alice']);

    const users = await server.peek.rows('users');
    const alice = users.find((u) => u.external_id === 'auth0|alice')!;
    expect([alice.email, alice.name]).toEqual(['alice@example.com', 'Alice']);
    const audit = await trpc.audit.list.query({ workspaceSlug: 'alice-co' });
    expect(audit.data.map((e) => [e.operation, e.actor, e.requestId])).toEqual([['workspaces.create', { kind: 'user', userId: Number(alice.id) }, 'alice-1']]);
  });

  it('a changed email at the host is provisioned again on the next request', async () => {
    sessions.set('s-bob', { externalId: 'auth0|bob', email: 'bob@example.com' });
    expect((await server.rest('POST', '/api/workspaces', { token: 's-bob', body: { name: 'Bob Co' } })).status).toBe(201);
    sessions.set('s-bob', { externalId: 'auth0|bob', email: 'robert@example.com', name: 'Robert' });
    const members = await server.rest('GET', '/api/workspaces/bob-co/members', { token: 's-bob' });
    expect(members).toMatchObject({ status: 200, body: { data: [{ user: { email: 'robert@example.com', name: 'Robert' } }] } });
    expect(provisioned.filter((id) => id === 'auth0|bob')).toHaveLength(2);
  });

  it('401 on both transports for no session, an unknown external id, or an email cloudlink gives another user', async () => {
    await server.storage.users.createUser({ email: 'taken@example.com', name: null, now: new Date() });
    sessions.set('s-taken', { externalId: 'auth0|mallory', email: 'taken@example.com' });
    const before = await server.peek.rows('users');
    const unauthorized = { error: 'Unauthorized', message: 'Missing or invalid authentication token' };
    for (const token of ['no-such-session', 's-taken']) {
      expect(await server.rest('POST', '/api/workspaces', { token, body: { name: 'X' } })).toMatchObject({ status: 401, body: unauthorized });
      expect(await trpcFailure(server.trpcClient(token).workspaces.create.mutate({ name: 'X' }))).toEqual(unauthorized);
    }
    // The engine itself: an external id no provision stored is nobody.
    await expect(server.engine.workspaces.create({ externalId: 'auth0|ghost' }, { name: 'X' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await server.peek.rows('users')).toEqual(before);
    expect((await server.peek.rows('workspaces')).map((w) => w.name)).not.toContain('X');
  });
});
