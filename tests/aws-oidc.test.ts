import { createFakeSts, listen, type FakeSts, type ListeningFake } from '@cloudlink/sandbox';
import { createAwsConnector } from '@cloudlink/providers/aws';
import { createFakeClock } from '@cloudlink/engine/testing';
/** The subject cloudlink's issuer puts in a connection's tokens (docs/connections.md). */
const connectionSubject = (c: { workspaceId: number; id: number }) => `workspace:${c.workspaceId}:connection:${c.id}`;
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness/index.js';

/**
 * AWS `mode: "oidc"` end to end over SQLite: the platform has no AWS credentials at all; the fake
 * STS, on a real port, fetches the issuer's discovery document and JWKS over HTTP and verifies
 * every token like STS does, against a role whose trust pins one connection's subject.
 */
const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/GatewaysAppDeployRole`;
let server: TestServer;
let fake: FakeSts;
let sts: ListeningFake;
let owner: { id: number; token: string };
// Real time: the engine mints and the fake STS checks token lifetimes against the same clock.
const clock = createFakeClock(new Date());

beforeAll(async () => {
  fake = createFakeSts({
    platformAccount: '999999999999',
    platformAccessKeyId: 'AKIANOTUSEDBYANYONE0',
    webIdentity: { issuer: () => `${server.baseUrl}/api` },
    now: () => clock.now(),
  });
  sts = await listen(fake);
  const aws = createAwsConnector({
    region: 'us-east-1',
    endpoint: sts.url,
    // No platform credentials: any signed call fails before it leaves the process.
    credentials: () => Promise.reject(Object.assign(new Error('no platform credentials in this test'), { name: 'CredentialsProviderError' })),
  });
  server = await startTestServer({ backend: 'sqlite', providers: { aws }, engineOptions: { clock } });
  owner = await server.createUser('owner@example.com');
  const ws = await server.engine.workspaces.create({ userId: owner.id }, { name: 'Acme' });
  await server.storage.workspaces.setWorkspacePlan({ workspaceId: ws.data.id, planId: 3, now: clock.now() });
});
afterAll(async () => {
  await sts?.close();
  await server?.close();
});

it('connects, completes, verifies and issues credentials with web identity only; the row holds no secret', async () => {
  const actor = { userId: owner.id };
  const c = server.engine.cloudConnections;
  const started = await c.connectAws(actor, { workspaceSlug: 'acme', mode: 'oidc' });
  expect(started.data).toMatchObject({ mode: 'oidc', externalId: null });
  const id = started.data.connectionId;
  const workspaceId = (await server.storage.connections.getConnectionById(id))!.workspaceId;
  const subject = connectionSubject({ workspaceId, id });
  expect(started.data.connectionUrl).toContain('templates%2Faws-oidc.yaml');
  expect(started.data.connectionUrl).toContain(`param_ConnectionSubject=${encodeURIComponent(subject)}`);
  // The stack's effect: the role trusts our issuer for this connection's subject only.
  fake.addRole({ accountId: ACCOUNT, roleName: 'GatewaysAppDeployRole', trustedAccount: '000000000001', webIdentitySubject: subject });

  const done = await c.complete(actor, { workspaceSlug: 'acme', connectionId: id, accountId: ACCOUNT, accountName: 'Prod AWS' });
  expect(done.data).toMatchObject({ connectionStatus: 'connected', mode: 'oidc' });
  const actions = fake.calls().map((f) => f.get('Action'));
  expect(actions).toContain('AssumeRoleWithWebIdentity');
  expect(actions).not.toContain('AssumeRole');
  // The positive call and the negative test (a token for connection 0, refused).
  expect(actions.filter((a) => a === 'AssumeRoleWithWebIdentity')).toHaveLength(2);

  expect((await c.verify(actor, { workspaceSlug: 'acme', connectionId: id })).data).toMatchObject({ connectionStatus: 'connected' });
  const issued = await server.engine.credentials.issue(actor, { workspaceSlug: 'acme', connectionId: id, purpose: 'deploy' });
  expect(issued.data).toMatchObject({ provider: 'aws', accountId: ACCOUNT });
  expect(fake.session((issued.data as { accessKeyId: string }).accessKeyId)?.roleArn).toBe(ROLE_ARN);

  const row = (await server.peek.rows('cloud_connections')).find((r) => Number(r.id) === id)!;
  expect(row.auth_mode).toBe('oidc');
  expect([row.secret_data, row.external_id]).toEqual([null, null]);
  for (const value of Object.values(row)) if (typeof value === 'string') expect(value).not.toMatch(/PRIVATE KEY|eyJ[\w-]+\.|ASIA/);
});

it('refuses a token for connection A presented for the role pinned to connection B: A fails verification', async () => {
  const actor = { userId: owner.id };
  const c = server.engine.cloudConnections;
  const a = (await c.connectAws(actor, { workspaceSlug: 'acme', mode: 'oidc' })).data.connectionId;
  const b = (await c.connectAws(actor, { workspaceSlug: 'acme', mode: 'oidc' })).data.connectionId;
  const workspaceId = (await server.storage.connections.getConnectionById(b))!.workspaceId;
  // Account 210987654321's role was deployed for B: A's token names A's subject.
  fake.addRole({ accountId: '210987654321', roleName: 'GatewaysAppDeployRole', trustedAccount: '000000000001', webIdentitySubject: connectionSubject({ workspaceId, id: b }) });
  await expect(c.complete(actor, { workspaceSlug: 'acme', connectionId: a, accountId: '210987654321', accountName: 'Not mine' })).rejects.toMatchObject({ code: 'CONNECTION_TEST_FAILED' });
  expect((await server.storage.connections.getConnectionById(a))?.status).toBe('failed');
  const done = await c.complete(actor, { workspaceSlug: 'acme', connectionId: b, accountId: '210987654321', accountName: 'B' });
  expect(done.data).toMatchObject({ connectionStatus: 'connected' });
});
