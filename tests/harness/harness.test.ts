import { afterAll, beforeAll, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import type { CloudlinkRouter } from '@cloudlink/trpc-router';
import { describeBackends, startTestServer, type TestServer } from './index.js';

describeBackends('test harness', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ backend });
  });
  afterAll(() => server?.close());

  it('serves REST with Bearer authentication over the real storage', async () => {
    const alice = await server.createUser('alice@example.com', 'Alice');
    expect((await server.rest('GET', '/api/workspaces/nope')).status).toBe(401);
    const created = await server.rest('POST', '/api/workspaces', { token: alice.token, body: { name: 'Acme' } });
    expect(created.status).toBe(201);
    expect(created.body.data.slug).toBe('acme');
    const rows = await server.peek.rows('workspaces');
    expect(rows.map((r) => r.slug)).toEqual(['acme']);
  });

  it('serves tRPC with the same engine and the same authentication', async () => {
    const bob = await server.createUser('bob@example.com');
    const body = await server.trpcClient(bob.token).workspaces.create.mutate({ name: 'Bob Co' });
    expect(body.data.slug).toBe('bob-co');
    const got = await server.trpcClient(bob.token).workspaces.get.query({ workspaceSlug: 'bob-co' });
    expect(got.message).toBe('Workspace retrieved successfully');
  });

  it('rejects a token signed with another secret', async () => {
    const token = await server.tokenFor(1);
    const forged = `${token.slice(0, -4)}AAAA`;
    const res = await server.rest('GET', '/api/workspaces/acme', { token: forged });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Unauthorized', message: 'Missing or invalid authentication token' });
  });

  it('answers the same bodies over REST and tRPC, errors included (data.cloudlink = REST body)', async () => {
    const carol = await server.createUser('carol@example.com');
    await server.rest('POST', '/api/workspaces', { token: carol.token, body: { name: 'Parity' } });
    const first = await server.rest('POST', '/api/workspaces/parity/projects', { token: carol.token, body: { name: 'One' } });
    expect(first.status).toBe(201);
    const client = server.trpcClient(carol.token);
    const restGet = await server.rest('GET', '/api/projects/one', { token: carol.token });
    expect(await client.projects.get.query({ projectSlug: 'one' })).toEqual(restGet.body);

    // The free plan allows one project: both transports refuse the second with the same body.
    const restError = await server.rest('POST', '/api/workspaces/parity/projects', { token: carol.token, body: { name: 'Two' } });
    expect(restError.status).toBe(403);
    expect(restError.body).toMatchObject({ error: 'Plan limit exceeded', currentValue: 1, limit: 1, upgradeRequired: true });
    const trpcError = await client.projects.create.mutate({ workspaceSlug: 'parity', name: 'Two' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(trpcError).toBeInstanceOf(TRPCClientError);
    const data = (trpcError as TRPCClientError<CloudlinkRouter>).data as unknown as { code: string; cloudlink: unknown; stack?: unknown };
    expect(data.code).toBe('FORBIDDEN');
    expect(data.cloudlink).toEqual(restError.body);
    expect(data.stack).toBeUndefined();
  });
});

describeBackends('test harness: attachTo', (backend) => {
  it(backend === 'postgres' ? 'a second instance shares the database; closing it leaves the first running' : 'refuses SQLite', async () => {
    const first = await startTestServer({ backend });
    try {
      if (backend === 'sqlite') {
        await expect(startTestServer({ backend, attachTo: first })).rejects.toThrow(/Postgres/);
        return;
      }
      const second = await startTestServer({ backend, attachTo: first });
      expect(second.baseUrl).not.toBe(first.baseUrl);
      expect(second.databaseUrl).toBe(first.databaseUrl);
      const carol = await second.createUser('carol@example.com');
      expect((await second.rest('POST', '/api/workspaces', { token: carol.token, body: { name: 'Shared' } })).status).toBe(201);
      await second.close();
      expect(await first.rest('GET', '/api/workspaces/shared', { token: carol.token })).toMatchObject({ status: 200, body: { data: { slug: 'shared' } } });
    } finally {
      await first.close();
    }
  });
});
