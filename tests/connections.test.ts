import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, sandboxForServer, startTestServer, type TestServer, trpcFailure } from './harness/index.js';
import { SAMPLE_AZURE_APP, SAMPLE_WIF_CONFIG } from '../test-support/cloud-samples.js';

describeBackends('cloud connections over REST and tRPC', (backend) => {
  let server: TestServer;
  let owner: { id: number; token: string };
  const now = () => (server.clock as { now(): Date }).now();

  beforeAll(async () => {
    const { providers } = sandboxForServer(() => server);
    server = await startTestServer({
      backend,
      providers: { aws: providers.aws, gcp: providers.gcp, azure: providers.azure },
      engineOptions: { aws: { accountId: '999999999999' } },
    });
    owner = await server.createUser('owner@example.com');
    const ws = await server.rest('POST', '/api/workspaces', { token: owner.token, body: { name: 'Acme' } });
    await server.storage.workspaces.setWorkspacePlan({ workspaceId: ws.body.data.id, planId: 3, now: now() });
    await server.rest('POST', '/api/workspaces', { token: owner.token, body: { name: 'Small' } });
  });
  afterAll(() => server.close());

  it('AWS: connect, refused complete, successful complete, link, template', async () => {
    expect(await server.rest('POST', '/api/cloud-connections/acme/connect-aws', { body: {} })).toMatchObject({ status: 401 });
    const started = await server.rest('POST', '/api/cloud-connections/acme/connect-aws', { token: owner.token, body: { region: 'eu-west-1' } });
    expect(started.status).toBe(201);
    const { connectionId, externalId, stackName } = started.body.data;
    expect(started.body.data.connectionUrl).toBe(
      `https://console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks/create/review?templateURL=${encodeURIComponent(`${server.baseUrl}/api/cloud-connections/templates/aws.yaml`)}&stackName=${stackName}&param_ExternalId=${externalId}`,
    );
    expect(await server.rest('POST', `/api/cloud-connections/acme/${connectionId}/complete`, { token: owner.token, body: { accountId: '12', accountName: 'A' } })).toMatchObject({
      status: 400,
      body: { error: 'Validation failed', message: 'accountId: must be a 12-digit AWS account ID' },
    });
    const refused = await server.rest('POST', `/api/cloud-connections/acme/${connectionId}/complete`, { token: owner.token, body: { accountId: '000000000000', accountName: 'Prod AWS' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'Connection test failed', data: { connectionStatus: 'failed', failureReason: refused.body.message } });
    expect(refused.body.message).toMatch(/^AssumeRole failed: AccessDenied: /);
    const ok = await server.trpcClient(owner.token).cloudConnections.complete.mutate({ workspaceSlug: 'acme', connectionId, accountId: '123456789012', accountName: 'Prod AWS' });
    expect(ok).toMatchObject({ message: 'Cloud connection completed successfully', data: { connectionStatus: 'connected', failureReason: null } });
    expect(await server.rest('POST', `/api/cloud-connections/acme/${connectionId}/complete`, { token: owner.token, body: { accountId: '123456789012', accountName: 'Prod AWS' } })).toMatchObject({
      status: 409,
      body: { error: 'Connection already completed' },
    });
    const project = await server.rest('POST', '/api/workspaces/acme/projects', { token: owner.token, body: { name: 'Web' } });
    const linked = await server.rest('PATCH', `/api/projects/${project.body.data.slug}/connect-cloud/${connectionId}`, { token: owner.token });
    expect(linked).toMatchObject({
      status: 200,
      body: { message: 'Cloud connection linked successfully', data: { connectedCloud: { cloudType: 'AWS', roleArn: 'arn:aws:iam::123456789012:role/GatewaysAppDeployRole' } } },
    });
    const template = await server.rest('GET', '/api/cloud-connections/templates/aws.yaml');
    expect(template.status).toBe(200);
    expect(template.body).toContain("AWS: 'arn:aws:iam::999999999999:root'");
    const list = await server.rest('GET', '/api/cloud-connections/acme?status=all', { token: owner.token });
    expect(JSON.stringify(list.body)).not.toContain(externalId);
    expect(JSON.stringify(list.body)).not.toMatch(/role_?arn|stack_?name|secret/i);
  });

  it('GCP: script, discovery and JWKS are public; complete with the Base64 config', async () => {
    const started = await server.rest('POST', '/api/cloud-connections/acme/connect-gcp', { token: owner.token, body: {} });
    expect(started.status).toBe(201);
    const id = started.body.data.connectionId as number;
    expect(started.body.data.setupCommand).toBe(`curl -sSL '${server.baseUrl}/api/cloud-connections/scripts/gcp-wif.sh?connection=${id}' | bash`);
    const script = await server.rest('GET', `/api/cloud-connections/scripts/gcp-wif.sh?connection=${id}`);
    expect(script.status).toBe(200);
    expect(script.body).toContain(`ISSUER_URI='${server.baseUrl}/api'`);
    expect(await server.rest('GET', '/api/cloud-connections/scripts/gcp-wif.sh?connection=abc')).toMatchObject({ status: 404, body: { error: 'Cloud connection not found' } });
    const discovery = await server.rest('GET', '/api/.well-known/openid-configuration');
    expect(discovery.body).toMatchObject({ issuer: `${server.baseUrl}/api`, jwks_uri: `${server.baseUrl}/api/.well-known/jwks.json` });
    const wif = SAMPLE_WIF_CONFIG;
    const done = await server.rest('POST', `/api/cloud-connections/acme/${id}/complete`, {
      token: owner.token,
      body: { accountName: 'Prod GCP', wifConfig: Buffer.from(JSON.stringify(wif)).toString('base64') },
    });
    expect(done).toMatchObject({ status: 200, body: { data: { accountId: 'my-gcp-project-12345', connectionStatus: 'connected' } } });
    const jwks = await server.rest('GET', '/api/.well-known/jwks.json');
    expect(jwks.body.keys).toHaveLength(1);
    expect(Object.keys(jwks.body.keys[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    const row = (await server.peek.rows('cloud_connections')).find((r) => Number(r.id) === id)!;
    expect(String(row.secret_data)).toMatch(/^v1:/);
    expect(String(row.secret_data)).not.toContain('gateways-pool');
    const keys = await server.peek.rows('oidc_signing_keys');
    expect(String(keys[0]!.private_key)).not.toContain('PRIVATE KEY');
  });

  it('Azure: the callback completes once; the secret is never returned nor stored in plaintext', async () => {
    const started = await server.rest('POST', '/api/cloud-connections/acme/connect-azure', { token: owner.token, body: {} });
    const id = started.body.data.connectionId as number;
    const token = /T="([0-9a-f]{24})"/.exec(started.body.data.setupCommand)![1]!;
    expect(await server.rest('POST', '/api/cloud-connections/azure-setup-callback', { body: { token, ...SAMPLE_AZURE_APP } })).toMatchObject({
      status: 400,
      body: { error: 'Account name required' },
    });
    const patched = await server.rest('PATCH', `/api/cloud-connections/acme/${id}`, { token: owner.token, body: { accountName: 'Prod Azure' } });
    expect(patched).toMatchObject({ status: 200, body: { message: 'Cloud connection updated successfully', data: { accountName: 'Prod Azure' } } });
    const done = await server.rest('POST', '/api/cloud-connections/azure-setup-callback', { body: { token, azureCredentials: JSON.stringify(SAMPLE_AZURE_APP) } });
    expect(done).toMatchObject({ status: 200, body: { message: 'Cloud connection completed successfully', data: { connectionStatus: 'connected', accountId: SAMPLE_AZURE_APP.subscriptionId } } });
    expect(await server.rest('POST', '/api/cloud-connections/azure-setup-callback', { body: { token, ...SAMPLE_AZURE_APP } })).toMatchObject({
      status: 400,
      body: { error: 'Invalid token', message: 'Invalid or expired setup token' },
    });
    const everything = JSON.stringify([started.body, patched.body, done.body, (await server.rest('GET', '/api/cloud-connections/acme?status=all', { token: owner.token })).body]);
    expect(everything).not.toContain(SAMPLE_AZURE_APP.clientSecret);
    const stored = JSON.stringify(await server.peek.rows('cloud_connections'));
    expect(stored).not.toContain(SAMPLE_AZURE_APP.clientSecret);
    expect(stored).not.toContain(token);
    const script = await server.rest('GET', '/api/cloud-connections/scripts/azure.sh');
    expect(script.body).toContain(`DEFAULT_CALLBACK='${server.baseUrl}/api/cloud-connections/azure-setup-callback'`);
  });

  it('isolation, ids, list filters and delete', async () => {
    const other = await server.createUser('other@example.com');
    const theirs = await server.rest('POST', '/api/workspaces', { token: other.token, body: { name: 'Theirs' } });
    const conn = await server.rest('POST', `/api/cloud-connections/${theirs.body.data.slug}/connect-aws`, { token: other.token, body: {} });
    const theirId = conn.body.data.connectionId;
    expect(await server.rest('PATCH', `/api/cloud-connections/acme/${theirId}`, { token: owner.token, body: { accountName: 'x' } })).toMatchObject({
      status: 404,
      body: { error: 'Cloud connection not found' },
    });
    expect(await server.rest('DELETE', `/api/cloud-connections/acme/0`, { token: owner.token })).toMatchObject({ status: 400, body: { error: 'Invalid connection ID' } });
    expect(await server.rest('GET', `/api/cloud-connections/acme`, { token: other.token })).toMatchObject({ status: 403, body: { message: 'You do not have access to this workspace' } });
    expect(await trpcFailure(server.trpcClient(owner.token).cloudConnections.delete.mutate({ workspaceSlug: 'acme', connectionId: theirId }))).toMatchObject({ error: 'Cloud connection not found' });
    const list = await server.rest('GET', '/api/cloud-connections/acme', { token: owner.token });
    expect(list.body).toMatchObject({ summary: { total: 3, byStatus: { connected: 3 } }, count: 3 });
    expect(await server.rest('GET', '/api/cloud-connections/acme?include_inactive=maybe', { token: owner.token })).toMatchObject({ status: 400, body: { error: 'Validation failed' } });
    const gcpId = list.body.data.find((c: { cloudProvider: { name: string } }) => c.cloudProvider.name === 'gcp').id;
    expect(await server.rest('DELETE', `/api/cloud-connections/acme/${gcpId}`, { token: owner.token })).toMatchObject({ status: 200, body: { message: 'Cloud connection deleted successfully' } });
    const after = await server.rest('GET', '/api/cloud-connections/acme?status=disconnected&include_inactive=true', { token: owner.token });
    expect(after.body.data.map((c: { id: number }) => c.id)).toEqual([gcpId]);
  });

  it('two concurrent completes racing for the last slot: exactly one connects', async () => {
    const small = 'small';
    const a = await server.rest('POST', `/api/cloud-connections/${small}/connect-aws`, { token: owner.token, body: {} });
    const b = await server.rest('POST', `/api/cloud-connections/${small}/connect-azure`, { token: owner.token, body: {} });
    const results = await Promise.all([
      server.rest('POST', `/api/cloud-connections/${small}/${a.body.data.connectionId}/complete`, { token: owner.token, body: { accountId: '123456789012', accountName: 'A' } }),
      server.rest('POST', `/api/cloud-connections/${small}/${b.body.data.connectionId}/complete`, { token: owner.token, body: { accountName: 'B', ...SAMPLE_AZURE_APP } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
    expect(results.find((r) => r.status === 403)!.body).toMatchObject({ error: 'Plan limit exceeded', currentValue: 1, limit: 1 });
    const rows = (await server.peek.rows('cloud_connections')).filter((r) => [a.body.data.connectionId, b.body.data.connectionId].includes(Number(r.id)));
    expect(rows.filter((r) => r.connection_status === 'connected')).toHaveLength(1);
  });
});
