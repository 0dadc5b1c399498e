import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackends, startTestServer, trpcFailure, type TestServer } from './harness/index.js';

/**
 * Connections that are not `connected` (pending + failed) are capped per workspace
 * (`maxPendingConnections`, default 10): one more is a 409, checked under the workspace lock so
 * concurrent requests on two app instances cannot overshoot it.
 */
const tooMany = (n: number) => ({
  error: 'Too many pending connections',
  message: `This workspace already has ${n} cloud connections that are not connected; complete or delete one first`,
});

describeBackends('pending connection cap', (backend) => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ backend });
    const owner = await server.createUser('owner@example.com');
    token = owner.token;
    for (const name of ['Acme', 'Small']) expect((await server.rest('POST', '/api/workspaces', { token, body: { name } })).status).toBe(201);
    // Ultimate: the plan's max_cloud_connections (connected ones) stays out of the way.
    const acme = (await server.storage.workspaces.getWorkspaceBySlug('acme'))!;
    await server.storage.workspaces.setWorkspacePlan({ workspaceId: acme.id, planId: 4, now: new Date() });
  });
  afterAll(() => server.close());

  it('the default cap is 10 over REST and tRPC; failed ones count, connected and deleted ones do not', async () => {
    for (let i = 0; i < 9; i++) expect((await server.rest('POST', '/api/cloud-connections/acme/connect-gcp', { token, body: {} })).status).toBe(201);
    const tenth = await server.trpcClient(token).cloudConnections.connectAzure.mutate({ workspaceSlug: 'acme' });
    expect(tenth.data.status).toBe('pending');

    const refused = await server.rest('POST', '/api/cloud-connections/acme/connect-gcp', { token, body: {} });
    expect(refused).toMatchObject({ status: 409, body: tooMany(10) });
    expect(await trpcFailure(server.trpcClient(token).cloudConnections.connectGcp.mutate({ workspaceSlug: 'acme' }))).toEqual(tooMany(10));
    const ws = (await server.storage.workspaces.getWorkspaceBySlug('acme'))!;
    const rows = async () => (await server.peek.rows('cloud_connections')).filter((r) => Number(r.workspace_id) === ws.id);
    expect(await rows()).toHaveLength(10);

    // Another workspace has its own budget.
    expect((await server.rest('POST', '/api/cloud-connections/small/connect-gcp', { token, body: {} })).status).toBe(201);

    // A failed one still counts; a connected one frees a place; a deleted one too.
    const [first, second] = (await rows()).map((r) => Number(r.id));
    await server.storage.connections.updateConnection(first!, { status: 'failed', failureReason: 'denied' }, new Date());
    expect((await server.rest('POST', '/api/cloud-connections/acme/connect-gcp', { token, body: {} })).status).toBe(409);
    await server.storage.connections.updateConnection(second!, { status: 'connected' }, new Date());
    expect((await server.rest('POST', '/api/cloud-connections/acme/connect-gcp', { token, body: {} })).status).toBe(201);
    expect((await server.rest('POST', '/api/cloud-connections/acme/connect-gcp', { token, body: {} })).status).toBe(409);
    expect((await server.rest('DELETE', `/api/cloud-connections/acme/${first}`, { token })).status).toBe(200);
    expect((await server.rest('POST', '/api/cloud-connections/acme/connect-gcp', { token, body: {} })).status).toBe(201);
  });
});

describe('pending connection cap: two app instances racing on one Postgres database', () => {
  const CAP = 3;
  let a: TestServer;
  let b: TestServer;
  let token: string;
  beforeAll(async () => {
    a = await startTestServer({ backend: 'postgres', engineOptions: { maxPendingConnections: CAP } });
    b = await startTestServer({ backend: 'postgres', attachTo: a, engineOptions: { maxPendingConnections: CAP } });
    token = (await a.createUser('owner@example.com')).token;
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('never holds more than the cap, whoever wins', async () => {
    for (let round = 0; round < 4; round++) {
      const created = await a.rest('POST', '/api/workspaces', { token, body: { name: `Race ${round}` } });
      const slug = created.body.data.slug as string;
      const [first, second] = round % 2 === 0 ? [a, b] : [b, a];
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? first : second).rest('POST', `/api/cloud-connections/${slug}/connect-gcp`, { token, body: {} })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(CAP).fill(201), ...Array(8 - CAP).fill(409)]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body).toEqual(tooMany(CAP));
      const rows = (await a.peek.rows('cloud_connections')).filter((r) => Number(r.workspace_id) === created.body.data.id);
      expect(rows).toHaveLength(CAP);
    }
  });
});
