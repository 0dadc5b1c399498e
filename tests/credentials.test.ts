import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ServiceClient } from '@azure/core-client';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import type { CloudlinkEvent } from '@cloudlink/engine';
import { createFakeClock } from '@cloudlink/engine/testing';
import { fromCloudlink } from '@cloudlink/providers/aws';
import { CloudlinkTokenCredential } from '@cloudlink/providers/azure';
import { CloudlinkAuthClient } from '@cloudlink/providers/gcp';
import { createTestCertificates, listen, stsErrorBody, type ListeningFake, type SandboxFakes, type TestCertificates } from '@cloudlink/sandbox';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCloudlinkRouter, createCloudlinkTrpcHandler } from '@cloudlink/trpc-router';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, sandboxForServer, startTestServer, type TestServer } from './harness/index.js';
import { SAMPLE_AZURE_APP, SAMPLE_WIF_CONFIG } from '../test-support/cloud-samples.js';

const WIF = SAMPLE_WIF_CONFIG;

describeBackends('credentials for the host: real SDK calls against the fakes', (backend) => {
  // Real time, so the SDKs (which judge expiry by the system clock) accept what the fakes issue.
  const clock = createFakeClock(new Date());
  const events: CloudlinkEvent[] = [];
  let server: TestServer;
  let fakes: SandboxFakes;
  let sts: ListeningFake;
  let rm: ListeningFake;
  let arm: ListeningFake;
  let certs: TestCertificates;
  let owner: { id: number; token: string };
  let workspaceId: number;
  const ids = { aws: 0, gcp: 0, azure: 0, pending: 0 };

  beforeAll(async () => {
    const sandbox = sandboxForServer(() => server);
    fakes = sandbox.fakes;
    const { aws, gcp, azure } = sandbox.providers;
    server = await startTestServer({ backend, providers: { aws, gcp, azure }, engineOptions: { clock, aws: { accountId: '999999999999' }, onEvent: (e) => void events.push(e) } });
    // The same fakes the engine's connectors reach in process, on real ports for the host's SDK clients.
    certs = createTestCertificates();
    [sts, rm, arm] = await Promise.all([listen(fakes.sts), listen(fakes.gcp.rm), listen(fakes.azure.arm, { tls: certs })]);

    owner = await server.createUser('owner@example.com');
    const actor = { userId: owner.id };
    const ws = await server.engine.workspaces.create(actor, { name: 'Acme' });
    workspaceId = ws.data.id;
    await server.storage.workspaces.setWorkspacePlan({ workspaceId, planId: 3, now: clock.now() });
    const c = server.engine.cloudConnections;
    ids.aws = (await c.connectAws(actor, { workspaceSlug: 'acme' })).data.connectionId;
    await c.complete(actor, { workspaceSlug: 'acme', connectionId: ids.aws, accountId: '123456789012', accountName: 'Prod AWS' });
    ids.gcp = (await c.connectGcp(actor, { workspaceSlug: 'acme' })).data.connectionId;
    await c.complete(actor, { workspaceSlug: 'acme', connectionId: ids.gcp, accountName: 'Prod GCP', wifConfig: WIF });
    ids.azure = (await c.connectAzure(actor, { workspaceSlug: 'acme' })).data.connectionId;
    await c.complete(actor, { workspaceSlug: 'acme', connectionId: ids.azure, accountName: 'Prod Azure', ...SAMPLE_AZURE_APP });
    ids.pending = (await c.connectAws(actor, { workspaceSlug: 'acme' })).data.connectionId;
  });
  afterAll(async () => {
    await Promise.all([sts?.close(), rm?.close(), arm?.close()]);
    certs?.cleanup();
    await server?.close();
  });

  const audit = () => server.storage.audit.listAudit(workspaceId, { operation: 'credentials.issue' }, { limit: 100 });

  it('AWS: fromCloudlink signs a real STS call as the assumed-role session; cached, then refreshed ahead of expiry', async () => {
    const target = { workspaceId, connectionId: ids.aws, purpose: 'inventory' };
    const client = new STSClient({ region: 'us-east-1', endpoint: sts.url, credentials: fromCloudlink(server.engine, target) });
    const who = await client.send(new GetCallerIdentityCommand({}));
    const sessionName = `cl-w${workspaceId}-c${ids.aws}-inventory`;
    expect(who).toMatchObject({ Account: '123456789012', Arn: `arn:aws:sts::123456789012:assumed-role/GatewaysAppDeployRole/${sessionName}` });
    // The fake checked the SigV4 signature with the issued secret and the session token.
    const keyId = /Credential=([^/]+)\//.exec(fakes.sts.requests.at(-1)!.headers.authorization!)![1]!;
    expect(fakes.sts.session(keyId)).toMatchObject({ sessionName, sourceIdentity: sessionName, policy: null });

    const first = (await server.engine.credentials.forHost(target)).data;
    expect(first).toMatchObject({ provider: 'aws', accessKeyId: keyId, accountId: '123456789012' });
    // Signed with a wrong secret, the fake refuses: the credentials, not the key id alone, are what it checks.
    const forged = new STSClient({ region: 'us-east-1', endpoint: sts.url, credentials: { ...fromCloudlinkStatic(first), secretAccessKey: 'wrong' } });
    await expect(forged.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });

    clock.advance(54 * 60_000); // 6 minutes left: still served from the cache
    expect((await server.engine.credentials.forHost(target)).data).toMatchObject({ accessKeyId: keyId });
    clock.advance(2 * 60_000); // 4 minutes left: inside the 5-minute margin, a new session
    const refreshed = (await server.engine.credentials.forHost(target)).data;
    expect(refreshed.provider === 'aws' && refreshed.accessKeyId).not.toBe(keyId);
    expect(Date.parse(refreshed.expiresAt) - clock.now().getTime()).toBe(3600_000);

    // A session policy and duration make another session, never the cached wider one.
    const narrow = (await server.engine.credentials.forHost({ ...target, aws: { sessionPolicy: { Version: '2012-10-17', Statement: [] }, durationSeconds: 900 } })).data;
    expect(narrow.provider === 'aws' && fakes.sts.session(narrow.accessKeyId)).toMatchObject({ policy: '{"Version":"2012-10-17","Statement":[]}' });
    expect(Date.parse(narrow.expiresAt) - clock.now().getTime()).toBe(900_000);
  });

  it('GCP: a google-auth-library AuthClient authorises a real request to Resource Manager', async () => {
    const auth = new CloudlinkAuthClient(server.engine, { workspaceSlug: 'acme', connectionId: ids.gcp, purpose: 'reporting' });
    const res = await auth.request<{ projectId: string; projectNumber: string }>({ url: `${rm.url}/v1/projects/${WIF.projectId}` });
    expect(res.data).toMatchObject({ projectId: WIF.projectId, projectNumber: WIF.projectNumber });
    expect(fakes.gcp.rm.requests.at(-1)!.headers.authorization).toMatch(/^Bearer ya29\./);
    expect(await auth.getProjectId()).toBe(WIF.projectId);
  });

  it('Azure: a TokenCredential authorises a real Azure SDK client reading the subscription', async () => {
    const credential = new CloudlinkTokenCredential(server.engine, { workspaceId, connectionId: ids.azure, purpose: 'billing' });
    const agent = new Agent({ ca: [certs.ca, ...rootCertificates] });
    // ServiceClient is the base of every @azure/arm-* client: the same bearer-token policy asks the credential.
    const client = new ServiceClient({
      credential,
      credentialScopes: [`${arm.url}/.default`],
      endpoint: arm.url,
      additionalPolicies: [{ position: 'perCall', policy: { name: 'test-ca', sendRequest: (req, next) => next(Object.assign(req, { agent })) } }],
    });
    const res = await client.sendRequest(createPipelineRequest({ url: `${arm.url}/subscriptions/${SAMPLE_AZURE_APP.subscriptionId}?api-version=2022-12-01`, method: 'GET' }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.bodyAsText!)).toMatchObject({ subscriptionId: SAMPLE_AZURE_APP.subscriptionId });
    expect(fakes.gcp.rm.requests.at(-1)!.headers.authorization).toMatch(/^Bearer /);
  });

  it('a connection that is not connected, or of another workspace, gets a typed error and never credentials', async () => {
    await expect(server.engine.credentials.forHost({ workspaceId, connectionId: ids.pending, purpose: 'x' })).rejects.toMatchObject({
      code: 'CONFLICT',
      error: 'Cloud connection not connected',
      message: `Cloud connection ${ids.pending} is pending; credentials are issued for connected connections only`,
    });
    const client = new STSClient({ region: 'us-east-1', endpoint: sts.url, credentials: fromCloudlink(server.engine, { workspaceId, connectionId: ids.pending, purpose: 'x' }) });
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ error: 'Cloud connection not connected' });
    const other = await server.engine.workspaces.create({ userId: owner.id }, { name: 'Other' });
    await expect(server.engine.credentials.forHost({ workspaceId: other.data.id, connectionId: ids.aws, purpose: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND', error: 'Cloud connection not found' });
    await expect(server.engine.credentials.forHost({ workspaceId, connectionId: ids.aws, purpose: 'bad purpose' })).rejects.toMatchObject({ code: 'VALIDATION', error: 'Validation failed' });
    // A deleted connection: its cached credentials are gone with it.
    await server.engine.cloudConnections.delete({ userId: owner.id }, { workspaceSlug: 'acme', connectionId: ids.gcp });
    await expect(server.engine.credentials.forHost({ workspaceId, connectionId: ids.gcp, purpose: 'reporting' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('concurrent issues share one AssumeRole (single-flight)', async () => {
    const assumes = () => fakes.sts.calls().filter((c) => c.get('Action') === 'AssumeRole').length;
    const before = assumes();
    const all = await Promise.all(Array.from({ length: 5 }, () => server.engine.credentials.forHost({ workspaceId, connectionId: ids.aws, purpose: 'batch' })));
    expect(assumes() - before).toBe(1);
    expect(new Set(all.map((r) => r.data.provider === 'aws' && r.data.accessKeyId)).size).toBe(1);
  });

  it('a refused exchange is answered and audited, and leaves the connection connected', async () => {
    const message = 'User: arn:aws:iam::999999999999:user/cloudlink-platform is not authorized to perform: sts:AssumeRole';
    fakes.sts.fault({ status: 403, body: stsErrorBody('Sender', 'AccessDenied', message), match: (r) => new URLSearchParams(r.body).get('Action') === 'AssumeRole' });
    await expect(server.engine.credentials.forHost({ workspaceId, connectionId: ids.aws, purpose: 'refused' })).rejects.toMatchObject({
      code: 'PROVIDER_FAILURE',
      error: 'Credentials exchange failed',
      message: `AssumeRole failed: AccessDenied: ${message}`,
    });
    expect((await server.storage.connections.getConnection(workspaceId, ids.aws))?.status).toBe('connected');
    expect((await audit()).find((e) => e.detail.purpose === 'refused')).toMatchObject({ outcome: 'failure', error: 'Credentials exchange failed' });
  });

  it('members need canIssueCredentials; the actor path works for an owner', async () => {
    const dev = await server.createUser('dev@example.com');
    await server.engine.members.add({ userId: owner.id }, { workspaceSlug: 'acme', email: 'dev@example.com', role: 'dev' });
    await expect(server.engine.credentials.issue({ userId: dev.id }, { workspaceSlug: 'acme', connectionId: ids.aws, purpose: 'ci' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'You do not have permission to perform this action (requires canIssueCredentials)',
    });
    const issued = await server.engine.credentials.issue({ userId: owner.id }, { workspaceSlug: 'acme', connectionId: ids.azure, purpose: 'ci' });
    expect(issued).toMatchObject({ message: 'Credentials issued', data: { provider: 'azure', subscriptionId: SAMPLE_AZURE_APP.subscriptionId } });
  });

  it('tRPC: credentials.issue only when the host opts in', async () => {
    const off = await server.trpcClient(owner.token).cloudConnections.list.query({ workspaceSlug: 'acme' });
    expect(off.count).toBeGreaterThan(0);
    const plain = createCloudlinkRouter({ engine: server.engine });
    expect(Object.keys(plain._def.procedures)).not.toContain('credentials.issue');
    const router = createCloudlinkRouter({ engine: server.engine, credentials: true });
    const caller = router.createCaller({ actor: { userId: owner.id } });
    const issued = await caller.credentials.issue({ workspaceSlug: 'acme', connectionId: ids.aws, purpose: 'cli' });
    expect(issued.data).toMatchObject({ provider: 'aws', accountId: '123456789012' });
    await expect(router.createCaller({ actor: null }).credentials.issue({ workspaceSlug: 'acme', connectionId: ids.aws, purpose: 'cli' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('tRPC over HTTP: the handler serves credentials.issue only with credentials: true', async () => {
    const serve = async (credentials: boolean) => {
      const handler = createCloudlinkTrpcHandler({ engine: server.engine, createContext: () => ({ actor: { userId: owner.id } }), credentials });
      const http = createServer((req, res) => void handler(req, res));
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/credentials.issue`;
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workspaceSlug: 'acme', connectionId: ids.azure, purpose: 'http' }) });
      await new Promise((resolve) => http.close(resolve));
      return { status: res.status, body: (await res.json()) as { result?: { data: { data: { provider: string } } } } };
    };
    expect((await serve(false)).status).toBe(404);
    const on = await serve(true);
    expect(on.status).toBe(200);
    expect(on.body.result?.data.data.provider).toBe('azure');
  });

  it('every use is in the audit log and emits credentials.issued, without a secret', async () => {
    const entries = await audit();
    const ok = entries.filter((e) => e.outcome === 'success');
    expect(new Set(ok.map((e) => e.detail.provider))).toEqual(new Set(['aws', 'gcp', 'azure']));
    expect(ok.find((e) => e.detail.purpose === 'inventory')).toMatchObject({ actor: { kind: 'host', userId: null }, targets: { connectionId: ids.aws } });
    expect(ok.find((e) => e.detail.purpose === 'ci')).toMatchObject({ actor: { kind: 'user', userId: owner.id }, targets: { connectionId: ids.azure } });
    expect(entries.find((e) => e.outcome === 'failure' && e.targets.connectionId === ids.pending)).toMatchObject({ error: 'Cloud connection not connected' });
    expect(events.filter((e) => e.type === 'credentials.issued').length).toBe(ok.length);
    const text = JSON.stringify(entries);
    expect(text).not.toMatch(/ASIA|ya29\.|secret|Bearer/i);
    expect(text).not.toContain(SAMPLE_AZURE_APP.clientSecret);
  });

  it('the credentials of a connection never appear in the database', async () => {
    const data = JSON.stringify(await server.peek.rows('audit_log'));
    const issued = (await server.engine.credentials.forHost({ workspaceId, connectionId: ids.aws, purpose: 'inventory' })).data;
    expect(issued.provider === 'aws' && data.includes(issued.secretAccessKey)).toBe(false);
  });
});

function fromCloudlinkStatic(c: { provider: string } & Record<string, unknown>) {
  return { accessKeyId: String(c.accessKeyId), secretAccessKey: String(c.secretAccessKey), sessionToken: String(c.sessionToken) };
}
