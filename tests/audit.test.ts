import type { CloudlinkEvent } from '@cloudlink/engine';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, sandboxForServer, startTestServer, type TestServer, trpcFailure } from './harness/index.js';
import { SAMPLE_AZURE_APP } from '../test-support/cloud-samples.js';

describeBackends('audit log and events over REST and tRPC', (backend) => {
  let server: TestServer;
  let owner: { id: number; token: string };
  const events: CloudlinkEvent[] = [];
  const warnings: object[] = [];
  let hookFails = false;
  const now = () => (server.clock as { now(): Date }).now();
  /** The workspace's log over REST, newest first. */
  const audit = async (slug: string, query = '') => {
    const res = await server.rest('GET', `/api/workspaces/${slug}/audit${query}`, { token: owner.token });
    expect(res.status).toBe(200);
    return res.body as { message: string; count: number; data: Record<string, any>[]; nextCursor: string | null }; // eslint-disable-line @typescript-eslint/no-explicit-any -- documented body
  };

  beforeAll(async () => {
    const { providers } = sandboxForServer(() => server);
    server = await startTestServer({
      backend,
      trpcMount: 'handler',
      providers: { aws: providers.aws, gcp: providers.gcp, azure: providers.azure },
      engineOptions: {
        aws: { accountId: '999999999999' },
        onEvent: async (event) => {
          events.push(event);
          if (hookFails) throw new Error('the host hook broke');
        },
        logger: { debug() {}, info() {}, error() {}, warn: (obj) => void warnings.push(obj) },
      },
    });
    owner = await server.createUser('owner@example.com');
  });
  afterAll(() => server.close());

  it('records each admin mutation once, newest first, with its request id; pages and filters; owners and admins only', async () => {
    const ws = await server.rest('POST', '/api/workspaces', { token: owner.token, body: { name: 'Acme' }, headers: { 'X-Request-Id': 'req-ws-1' } });
    expect(ws.headers.get('x-request-id')).toBe('req-ws-1');
    const workspaceId = ws.body.data.id as number;
    await server.storage.workspaces.setWorkspacePlan({ workspaceId, planId: 3, now: now() });
    const project = await server.rest('POST', '/api/workspaces/acme/projects', { token: owner.token, body: { name: 'Shop' } });
    expect(project.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const env = await server.rest('POST', '/api/projects/shop/environments', { token: owner.token, body: { name: 'staging' } });
    const dev = await server.createUser('dev@example.com');
    const viewer = await server.createUser('viewer@example.com');
    await server.rest('POST', '/api/workspaces/acme/members', { token: owner.token, body: { email: 'dev@example.com', role: 'dev' } });
    await server.rest('POST', '/api/workspaces/acme/members', { token: owner.token, body: { email: 'viewer@example.com', role: 'viewer' } });
    await server.rest('PATCH', `/api/workspaces/acme/members/${viewer.id}`, { token: owner.token, body: { role: 'admin' } });
    await server.rest('PATCH', `/api/workspaces/acme/members/${viewer.id}`, { token: owner.token, body: { role: 'viewer' } });
    // A dev may not add members: one failure entry; a 400 and a stranger's 403 leave nothing.
    expect((await server.rest('POST', '/api/workspaces/acme/members', { token: dev.token, body: { email: 'owner@example.com', role: 'dev' } })).status).toBe(403);
    expect((await server.rest('POST', '/api/workspaces/acme/members', { token: owner.token, body: { email: 42 } })).status).toBe(400);
    const stranger = await server.createUser('stranger@example.com');
    expect((await server.rest('POST', '/api/workspaces/acme/members', { token: stranger.token, body: { email: 'x@example.com', role: 'dev' } })).status).toBe(403);
    await server.rest('DELETE', `/api/workspaces/acme/members/${dev.id}`, { token: owner.token });

    const log = await audit('acme');
    expect(log.message).toBe('Audit log retrieved successfully');
    expect(log.data.map((e) => [e.operation, e.outcome, e.targets, e.actor])).toEqual([
      ['members.remove', 'success', { userId: dev.id }, { kind: 'user', userId: owner.id }],
      ['members.add', 'failure', {}, { kind: 'user', userId: dev.id }],
      ['members.updateRole', 'success', { userId: viewer.id }, { kind: 'user', userId: owner.id }],
      ['members.updateRole', 'success', { userId: viewer.id }, { kind: 'user', userId: owner.id }],
      ['members.add', 'success', { userId: viewer.id }, { kind: 'user', userId: owner.id }],
      ['members.add', 'success', { userId: dev.id }, { kind: 'user', userId: owner.id }],
      ['environments.create', 'success', { projectId: project.body.data.id, environmentId: env.body.data.id }, { kind: 'user', userId: owner.id }],
      ['projects.create', 'success', { projectId: project.body.data.id, environmentId: expect.any(Number) }, { kind: 'user', userId: owner.id }],
      ['workspaces.create', 'success', { userId: owner.id }, { kind: 'user', userId: owner.id }],
    ]);
    expect(log.count).toBe(9);
    expect(log.data[1]).toMatchObject({ error: 'Forbidden', detail: {} });
    expect(log.data[8]).toMatchObject({ requestId: 'req-ws-1', workspaceId, detail: { slug: 'acme' }, error: null });
    expect(log.data[7]!.requestId).toBe(project.headers.get('x-request-id'));
    expect(log.data.map((e) => e.id)).toEqual([...log.data.map((e) => e.id)].sort((a, b) => b - a));

    // Pages of 4, newest first, over REST then tRPC with the same cursor.
    const first = await audit('acme', '?limit=4');
    expect(first.data).toEqual(log.data.slice(0, 4));
    const trpc = server.trpcClient(owner.token);
    const second = await trpc.audit.list.query({ workspaceSlug: 'acme', limit: 4, cursor: first.nextCursor! });
    expect(second.data).toEqual(log.data.slice(4, 8));
    const third = await audit('acme', `?limit=4&cursor=${second.nextCursor}`);
    expect([third.data, third.nextCursor]).toEqual([log.data.slice(8), null]);
    expect((await audit('acme', '?operation=members.updateRole')).count).toBe(2);
    expect((await server.rest('GET', '/api/workspaces/acme/audit?operation=drop%20table', { token: owner.token })).body).toMatchObject({ error: 'Validation failed' });

    // Viewer and dev: 403; an admin reads it.
    const viewerToken = viewer.token;
    expect(await server.rest('GET', '/api/workspaces/acme/audit', { token: viewerToken })).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
    expect(await trpcFailure(server.trpcClient(viewerToken).audit.list.query({ workspaceSlug: 'acme' }))).toMatchObject({ error: 'Forbidden' });
    await server.rest('POST', '/api/workspaces/acme/members', { token: owner.token, body: { email: 'dev@example.com', role: 'dev' } });
    expect((await server.rest('GET', '/api/workspaces/acme/audit', { token: dev.token })).status).toBe(403);
    await server.rest('PATCH', `/api/workspaces/acme/members/${viewer.id}`, { token: owner.token, body: { role: 'admin' } });
    expect((await server.rest('GET', '/api/workspaces/acme/audit', { token: viewerToken })).status).toBe(200);
  });

  it('connections: successes, failures and status events after commit; a rolled-back change leaves no entry and no event; never a secret', async () => {
    const trpc = server.trpcClient(owner.token);
    events.length = 0;
    const started = await server.rest('POST', '/api/cloud-connections/acme/connect-aws', { token: owner.token, body: { region: 'eu-west-1' } });
    const awsId = started.body.data.connectionId as number;
    expect(events).toEqual([]);
    const refused = await server.rest('POST', `/api/cloud-connections/acme/${awsId}/complete`, { token: owner.token, body: { accountId: '000000000000', accountName: 'Prod AWS' } });
    expect(refused.body.error).toBe('Connection test failed');
    expect(events).toEqual([{ type: 'connection.status_changed', workspaceId: expect.any(Number), connectionId: awsId, from: 'pending', to: 'failed', reason: refused.body.message }]);
    // A throwing hook never fails the request; it is logged.
    hookFails = true;
    const ok = await trpc.cloudConnections.complete.mutate({ workspaceSlug: 'acme', connectionId: awsId, accountId: '123456789012', accountName: 'Prod AWS' });
    expect(ok.data.connectionStatus).toBe('connected');
    hookFails = false;
    expect(events.at(-1)).toMatchObject({ type: 'connection.status_changed', connectionId: awsId, from: 'failed', to: 'connected' });
    await expect.poll(() => warnings.some((w) => JSON.stringify(w).includes('the host hook broke'))).toBe(true);
    expect((await server.rest('POST', `/api/cloud-connections/acme/${awsId}/complete`, { token: owner.token, body: { accountId: '123456789012', accountName: 'Prod AWS' } })).status).toBe(409);

    // connectCloud then a refused disconnect/delete (a resource holds the project): the change rolls back.
    const linked = await server.rest('PATCH', `/api/projects/shop/connect-cloud/${awsId}`, { token: owner.token });
    expect(linked.status).toBe(200);
    const env = (await server.rest('GET', '/api/projects/shop/environments', { token: owner.token })).body.data[0];
    const host = await server.rest('POST', `/api/shop/${env.slug}/resources`, { token: owner.token, body: { resourceType: 'instance', name: 'web-1', status: 'running' } });
    expect(host.status).toBe(201);
    const before = (await audit('acme')).count;
    events.length = 0;
    expect((await server.rest('DELETE', `/api/cloud-connections/acme/${awsId}`, { token: owner.token })).status).toBe(409);
    expect((await server.rest('PATCH', '/api/projects/shop/disconnect-cloud', { token: owner.token })).status).toBe(409);
    expect(events).toEqual([]);
    const afterRefusals = await audit('acme');
    expect(afterRefusals.count).toBe(before + 2);
    expect(afterRefusals.data.slice(0, 2).map((e) => [e.operation, e.outcome, e.error])).toEqual([
      ['projects.disconnectCloud', 'failure', 'Cannot disconnect cloud'],
      ['cloudConnections.delete', 'failure', expect.any(String)],
    ]);

    // Azure: connect, name, callback by the engine itself (system actor), delete → disconnected event.
    const az = await server.rest('POST', '/api/cloud-connections/acme/connect-azure', { token: owner.token, body: {} });
    const azId = az.body.data.connectionId as number;
    const setupToken = /T="([0-9a-f]{24})"/.exec(az.body.data.setupCommand)![1]!;
    await server.rest('PATCH', `/api/cloud-connections/acme/${azId}`, { token: owner.token, body: { accountName: 'Prod Azure' } });
    const done = await server.rest('POST', '/api/cloud-connections/azure-setup-callback', { body: { token: setupToken, ...SAMPLE_AZURE_APP } });
    expect(done.status).toBe(200);
    // Re-linking a project that holds a resource: its entry was written, then rolled back with the change.
    expect((await server.rest('PATCH', `/api/projects/shop/connect-cloud/${azId}`, { token: owner.token })).status).toBe(409);
    expect((await audit('acme', '?operation=projects.connectCloud')).data.map((e) => [e.outcome, e.targets.connectionId, e.error])).toEqual([
      ['failure', azId, 'Cannot disconnect cloud'],
      ['success', awsId, null],
    ]);
    events.length = 0;
    expect((await server.rest('DELETE', `/api/cloud-connections/acme/${azId}`, { token: owner.token })).status).toBe(200);
    expect(events).toEqual([{ type: 'connection.status_changed', workspaceId: expect.any(Number), connectionId: azId, from: 'connected', to: 'disconnected', reason: 'deleted' }]);

    const azure = await audit('acme', `?connectionId=${azId}`);
    expect(azure.data.map((e) => [e.operation, e.outcome, e.actor.kind])).toEqual([
      ['cloudConnections.delete', 'success', 'user'],
      ['projects.connectCloud', 'failure', 'user'],
      ['cloudConnections.azureSetupCallback', 'success', 'system'],
      ['cloudConnections.update', 'success', 'user'],
      ['cloudConnections.connectAzure', 'success', 'user'],
    ]);
    const aws = await audit('acme', `?connectionId=${awsId}&operation=cloudConnections.complete`);
    expect(aws.data.map((e) => [e.outcome, e.error])).toEqual([
      ['failure', 'Connection already completed'],
      ['success', null],
      ['failure', 'Connection test failed'],
    ]);

    // No secret anywhere in the table: the client secret, the setup token, the ExternalId.
    const rows = JSON.stringify(await server.peek.rows('audit_log'));
    for (const secret of [SAMPLE_AZURE_APP.clientSecret, setupToken, started.body.data.externalId as string]) expect(rows).not.toContain(secret);
  });
});
