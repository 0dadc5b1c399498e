import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createFakeClock } from '@cloudlink/engine/testing';
import { createAwsConnector, createRoute53Provider } from '@cloudlink/providers/aws';
import { startFakeRoute53, startFakeSts, type ListeningRoute53, type ListeningSts } from '@cloudlink/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness/index.js';

/**
 * DNS through an AWS `mode: "oidc"` connection, end to end over REST: the real AWS SDK (STS and
 * Route 53) against the fakes on real ports, with no platform AWS credentials anywhere. The AWS
 * connector is built as production builds it (the SDK's default credential chain), in an
 * environment where that chain finds nothing: any AssumeRole would fail before it left the process.
 */
const ACCOUNT = '210987654321';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/GatewaysAppDeployRole`;

/** Every place the SDK's default chain looks for keys, emptied for this file and restored after. */
const CHAIN_ENV = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_ROLE_ARN: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/cloudlink-test/credentials',
  AWS_CONFIG_FILE: '/nonexistent/cloudlink-test/config',
  AWS_EC2_METADATA_DISABLED: 'true',
} as const;
const saved = new Map<string, string | undefined>();

let server: TestServer;
let sts: ListeningSts;
let r53: ListeningRoute53;
let token: string;
// Real time: the engine mints and the fake STS checks token lifetimes against the same clock.
const clock = createFakeClock(new Date());

beforeAll(async () => {
  for (const [name, value] of Object.entries(CHAIN_ENV)) {
    saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  // STS fetches the issuer's discovery document and JWKS over HTTP, as AWS does.
  sts = await startFakeSts({ platformAccount: '999999999999', platformAccessKeyId: 'AKIANOTUSEDBYANYONE0', webIdentity: { issuer: () => `${server.baseUrl}/api` }, now: () => clock.now() });
  r53 = await startFakeRoute53();
  const noWait = { now: () => new Date(), sleep: async () => {} };
  server = await startTestServer({
    backend: 'sqlite',
    providers: {
      aws: createAwsConnector({ region: 'us-east-1', endpoint: sts.url, timeoutMs: 5000 }),
      dns: { route53: createRoute53Provider({ endpoint: r53.url, timeoutMs: 5000, clock: noWait }) },
    },
    // No `aws.accountId` either: this mode needs no platform account.
    engineOptions: { clock },
  });
  const owner = await server.createUser('owner@example.com');
  token = owner.token;
  expect((await server.rest('POST', '/api/workspaces', { token, body: { name: 'Acme' } })).status).toBe(201);
  const workspace = (await server.storage.workspaces.getWorkspaceBySlug('acme'))!;
  await server.storage.workspaces.setWorkspacePlan({ workspaceId: workspace.id, planId: 3, now: clock.now() });
});
afterAll(async () => {
  await server?.close();
  await Promise.all([sts?.close(), r53?.close()]);
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** The access key id a SigV4 `Authorization` header was signed with. */
const signingKey = (authorization: string | undefined) => /Credential=([^/]+)\//.exec(authorization ?? '')?.[1];

it('the environment holds no platform AWS credentials: the default chain finds none', async () => {
  // What an AssumeRole with the platform credentials would need; if this resolves, the test below proves nothing.
  const client = new STSClient({ region: 'us-east-1', endpoint: sts.url });
  await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'CredentialsProviderError' });
});

it('creates a Route 53 zone and records through an oidc connection, every AWS call on web-identity credentials', async () => {
  const started = await server.rest('POST', '/api/cloud-connections/acme/connect-aws', { token, body: { mode: 'oidc' } });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  expect(started.body.data).toMatchObject({ mode: 'oidc', externalId: null });
  const id: number = started.body.data.connectionId;
  const subject = decodeURIComponent(/param_ConnectionSubject=([^&]+)/.exec(started.body.data.connectionUrl as string)![1]!);
  // The stack's effect: the role trusts our issuer for this connection's subject only.
  sts.addRole({ accountId: ACCOUNT, roleName: 'GatewaysAppDeployRole', trustedAccount: '000000000001', webIdentitySubject: subject });

  const done = await server.rest('POST', `/api/cloud-connections/acme/${id}/complete`, { token, body: { accountId: ACCOUNT, accountName: 'AWS federated' } });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  expect(done.body.data).toMatchObject({ connectionStatus: 'connected', mode: 'oidc', accountId: ACCOUNT });

  expect((await server.rest('POST', '/api/workspaces/acme/projects', { token, body: { name: 'Edge' } })).status).toBe(201);
  expect((await server.rest('PATCH', `/api/projects/edge/connect-cloud/${id}`, { token })).status).toBe(200);
  const zone = await server.rest('POST', '/api/edge/master/dns', { token, body: { name: 'edge', domainName: 'edge.example.net' } });
  expect(zone.status, JSON.stringify(zone.body)).toBe(201);
  const zoneId: number = zone.body.data.id;
  const written = await server.rest('POST', `/api/edge/master/dns/${zoneId}/records`, {
    token,
    body: { records: [{ recordName: '@', recordType: 'A', values: ['192.0.2.50'] }, { recordName: 'api', recordType: 'CNAME', values: ['edge.example.net'] }] },
  });
  expect(written.status, JSON.stringify(written.body)).toBeLessThan(300);
  const listed = await server.rest('GET', `/api/edge/master/dns/${zoneId}/records`, { token });
  expect(listed.status).toBe(200);
  expect(listed.body.data).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: 'edge.example.net.', type: 'A', values: ['192.0.2.50'] }),
      expect.objectContaining({ name: 'api.edge.example.net.', type: 'CNAME', values: ['edge.example.net.'] }),
    ]),
  );
  // The records are at "Route 53", not only in our answer.
  expect(r53.lookup('api.edge.example.net', 'CNAME').flatMap((s) => s.values)).toEqual(['edge.example.net.']);

  // STS saw web identity only: never AssumeRole, and no call signed with anything but issued keys.
  const actions = sts.calls().map((f) => f.get('Action'));
  expect(actions).toContain('AssumeRoleWithWebIdentity');
  expect(actions).not.toContain('AssumeRole');
  for (const req of sts.requests) {
    const key = signingKey(req.headers.authorization);
    if (key !== undefined) expect(sts.session(key)?.roleArn).toBe(ROLE_ARN);
  }
  // Every Route 53 call was signed with credentials of a web-identity session of the connection's role.
  const r53Keys = new Set(r53.requests.map((r) => signingKey(r.headers.authorization)));
  expect(r53Keys.size).toBeGreaterThan(0);
  for (const key of r53Keys) {
    expect(key).toBeDefined();
    expect(sts.session(key!)).toMatchObject({ roleArn: ROLE_ARN, sourceIdentity: null });
  }

  // Credentials for the host: the same web-identity role, usable by the real SDK.
  const issued = await server.engine.credentials.forHost({ workspaceSlug: 'acme', connectionId: id, purpose: 'inventory' });
  expect(issued.data).toMatchObject({ provider: 'aws', connectionId: id, accountId: ACCOUNT });
  const { accessKeyId, secretAccessKey, sessionToken } = issued.data as { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  const caller = await new STSClient({ region: 'us-east-1', endpoint: sts.url, credentials: { accessKeyId, secretAccessKey, sessionToken } }).send(new GetCallerIdentityCommand({}));
  expect(caller).toMatchObject({ Account: ACCOUNT, Arn: expect.stringMatching(new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/GatewaysAppDeployRole/cl-w\\d+-c${id}-inventory$`)) });
  expect(sts.calls().map((f) => f.get('Action'))).not.toContain('AssumeRole');

  // The row holds no secret and no ExternalId.
  const row = (await server.peek.rows('cloud_connections')).find((r) => Number(r.id) === id)!;
  expect(row.auth_mode).toBe('oidc');
  expect([row.secret_data, row.external_id]).toEqual([null, null]);
});
