import type { AwsConnector, AzureConnector, AzureCredentials, GcpConnector, GcpWifTestInput } from '@cloudlink/engine';
import { createFakeClock, createTestSecretBox, type FakeClock } from '@cloudlink/engine/testing';
import { createSandboxProviders, type SandboxFakes, type SandboxProviders } from '@cloudlink/sandbox';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackends, startTestServer, type TestServer } from './harness/index.js';

/**
 * Connections that hold no secret, on every cloud (AWS `mode: "oidc"`, GCP, Azure `mode: "oidc"`),
 * over SQLite and Postgres: the clouds' fakes verify the tokens cloudlink's issuer mints against its
 * published JWKS (read through the discovery document and cached, refetched for an unknown `kid`,
 * as STS, Google STS and Entra ID do) and trust each connection's subject only. So a token minted
 * for connection A is refused for connection B with the cloud's own error, and rotating the
 * issuer's key (`cloudlink rotate-oidc-key`) breaks no live connection.
 */

/** The subject cloudlink's issuer puts in a connection's tokens (docs/connections.md). */
const subjectOf = (workspaceId: number, connectionId: number) => `workspace:${workspaceId}:connection:${connectionId}`;
const partOf = (jwt: string, i: 0 | 1) => JSON.parse(Buffer.from(jwt.split('.')[i]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const kidOf = (jwt: string) => partOf(jwt, 0).kid as string;
const subOf = (jwt: string) => partOf(jwt, 1).sub as string;
/** How the engine seals an issuer key's private half (bound to its column). */
const OIDC_KEY_AAD = 'cloudlink:oidc_signing_keys.private_key';
/** A retired key stays published this long after the new one starts signing (README, Security). */
const RETIRED_KEY_PUBLISHED_MS = 7 * 24 * 60 * 60_000;
const MINUTE = 60_000;

/**
 * A token as the issuer would mint it, signed with the stored key `kid` whether or not that key
 * signs now: the engine signs with one key at a time, and these tests need the other one too (a
 * published key before its turn, a retired key after it has left the JWKS).
 */
async function signWithStoredKey(server: TestServer, clock: FakeClock, kid: string, claims: { subject: string; audience: string }): Promise<string> {
  const key = (await server.storage.oidcKeys.listOidcKeys()).find((k) => k.kid === kid);
  if (!key) throw new Error(`no stored key ${kid}`);
  const iat = Math.floor(clock.now().getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(`${server.baseUrl}/api`)
    .setSubject(claims.subject)
    .setAudience(claims.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600)
    .sign(await importPKCS8(createTestSecretBox().open(key.privateKey, OIDC_KEY_AAD), 'RS256'));
}

/** One cloud's side of the rotation walk: live connections, the tokens the engine minted, and how a token is presented to that cloud. */
interface RotationWorld {
  readonly server: TestServer;
  readonly clock: FakeClock;
  readonly actor: { userId: number };
  /** Connected connections; the first is the one tokens are presented for. */
  readonly live: readonly { readonly id: number; readonly workspaceSlug: string; readonly subject: string }[];
  /** The audience the cloud requires of the first connection's tokens. */
  readonly audience: string;
  /** Every token the engine minted for this cloud, in order. */
  readonly minted: () => readonly string[];
  /** Present `token` for the first connection's trust (its role / pool provider); resolves when the cloud accepts it. */
  readonly present: (token: string) => Promise<unknown>;
  /** The connector error for a token signed with a key the issuer no longer publishes. */
  readonly unknownKey: Record<string, unknown>;
  readonly provider: 'aws' | 'gcp';
}

/**
 * `rotate-oidc-key` through the operator API (what the CLI runs): the new key is published at once
 * and signs an hour later; the old one signs until then and stays published for a week. Through the
 * overlap the cloud accepts tokens of both keys and every live connection keeps verifying and
 * issuing credentials; once the old key has left the JWKS, a token it signs is refused.
 */
async function walkKeyRotation(w: RotationWorld): Promise<void> {
  const { server, clock } = w;
  const first = w.live[0]!;
  const verify = async (c: RotationWorld['live'][number]) =>
    expect((await server.engine.cloudConnections.verify(w.actor, { workspaceSlug: c.workspaceSlug, connectionId: c.id })).data).toMatchObject({ connectionStatus: 'connected' });
  const lastMinted = () => w.minted().filter((t) => subOf(t) === first.subject).at(-1)!;

  // The cloud's cached key set is refreshed now, before the rotation: it holds the old key only.
  clock.advance(11 * MINUTE);
  await verify(first);
  const oldKid = kidOf(lastMinted());
  const rotated = await server.engine.operator.rotateOidcKey();
  expect(rotated.kid).not.toBe(oldKid);
  expect(new Date(rotated.signingFrom).getTime()).toBe(clock.now().getTime() + 60 * MINUTE);
  expect((await server.engine.publicAssets.jwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, rotated.kid]));

  // Published before it signs: a token of the new key, unknown to the cloud's cache, makes it refetch and pass.
  clock.advance(2 * MINUTE);
  await w.present(await signWithStoredKey(server, clock, rotated.kid, { subject: first.subject, audience: w.audience }));
  await verify(first);
  expect(kidOf(lastMinted())).toBe(oldKid);

  // The last minutes of the old key, then the switch: a token it signed just before still passes after.
  clock.advance(56 * MINUTE);
  await verify(first);
  const lastOld = lastMinted();
  expect(kidOf(lastOld)).toBe(oldKid);
  clock.advance(3 * MINUTE);
  for (const c of w.live) await verify(c);
  expect(kidOf(lastMinted())).toBe(rotated.kid);
  await w.present(lastOld);
  const issued = await server.engine.credentials.issue(w.actor, { workspaceSlug: first.workspaceSlug, connectionId: first.id, purpose: 'after-rotation' });
  expect(issued.data).toMatchObject({ provider: w.provider, connectionId: first.id });

  // A week after the switch the old key leaves the JWKS; once the cloud's cache has turned over, its tokens are refused.
  clock.advance(RETIRED_KEY_PUBLISHED_MS + MINUTE);
  expect((await server.engine.publicAssets.jwks()).keys.map((k) => k.kid)).not.toContain(oldKid);
  await expect(w.present(await signWithStoredKey(server, clock, oldKid, { subject: first.subject, audience: w.audience }))).rejects.toMatchObject(w.unknownKey);
  await w.present(await signWithStoredKey(server, clock, rotated.kid, { subject: first.subject, audience: w.audience }));
  for (const c of w.live) await verify(c);
}

/** A workspace on the plan that allows several connections; returns its id. */
async function createWorkspace(server: TestServer, clock: FakeClock, owner: { id: number }, name: string): Promise<number> {
  const ws = await server.engine.workspaces.create({ userId: owner.id }, { name });
  await server.storage.workspaces.setWorkspacePlan({ workspaceId: ws.data.id, planId: 3, now: clock.now() });
  return ws.data.id;
}

/** The connector error a promise rejects with (or undefined when it resolves). */
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { kind?: string; providerCode?: string; message?: string; status?: number });

/** Our sandbox wired to the test server's issuer: fakes on the engine's clock, verifying against its JWKS. */
function sandboxFor(clock: FakeClock, server: () => TestServer): SandboxProviders {
  return createSandboxProviders({
    now: () => clock.now(),
    oidc: { issuer: () => `${server().baseUrl}/api`, jwks: () => server().engine.publicAssets.jwks() },
  });
}

/**
 * AWS `mode: "oidc"`: each customer's stack deploys a role whose web-identity trust pins one
 * connection's subject (audience sts.amazonaws.com). A and B live in different workspaces and
 * accounts.
 */
describe('AWS (mode oidc): AssumeRoleWithWebIdentity', () => describeBackends((backend) => {
  const clock = createFakeClock(new Date());
  let server: TestServer;
  let sandbox: SandboxProviders;
  let owner: { id: number; token: string };
  /** Every web identity token the engine presented, with the role it was presented for. */
  const minted: { roleArn: string; token: string }[] = [];
  const a = { id: 0, workspaceId: 0, workspaceSlug: 'acme', account: '111111111111' };
  const b = { id: 0, workspaceId: 0, workspaceSlug: 'beta', account: '222222222222' };
  const roleArn = (account: string) => `arn:aws:iam::${account}:role/GatewaysAppDeployRole`;
  const subject = (c: typeof a) => subjectOf(c.workspaceId, c.id);
  const assume = (account: string, webIdentityToken: string) =>
    sandbox.providers.aws.assumeRoleWithWebIdentity({ roleArn: roleArn(account), webIdentityToken, sessionName: 'cross-connection-check' });

  beforeAll(async () => {
    sandbox = sandboxFor(clock, () => server);
    const aws = sandbox.providers.aws;
    const engineAws: AwsConnector = {
      assumeRole: (input, o) => aws.assumeRole(input, o),
      assumeRoleWithWebIdentity: (input, o) => {
        minted.push({ roleArn: input.roleArn, token: input.webIdentityToken });
        return aws.assumeRoleWithWebIdentity(input, o);
      },
      getCallerIdentity: (credentials, o) => aws.getCallerIdentity(credentials, o),
    };
    server = await startTestServer({ backend, providers: { aws: engineAws }, engineOptions: { clock } });
    owner = await server.createUser('owner@example.com');
    a.workspaceId = await createWorkspace(server, clock, owner, 'Acme');
    b.workspaceId = await createWorkspace(server, clock, owner, 'Beta');
  });
  afterAll(() => server.close());

  /** connect-aws in oidc mode → the stack's role trusting this connection's subject → complete. */
  async function connect(c: typeof a, accountName: string): Promise<void> {
    const actor = { userId: owner.id };
    const started = await server.engine.cloudConnections.connectAws(actor, { workspaceSlug: c.workspaceSlug, mode: 'oidc' });
    c.id = started.data.connectionId;
    expect(started.data.connectionUrl).toContain(`param_ConnectionSubject=${encodeURIComponent(subject(c))}`);
    sandbox.fakes.sts.addRole({ accountId: c.account, roleName: 'GatewaysAppDeployRole', trustedAccount: '000000000001', webIdentitySubject: subject(c) });
    const done = await server.engine.cloudConnections.complete(actor, { workspaceSlug: c.workspaceSlug, connectionId: c.id, accountId: c.account, accountName });
    expect(done.data).toMatchObject({ connectionStatus: 'connected', mode: 'oidc' });
  }
  const lastFor = (c: typeof a) => minted.filter((m) => subOf(m.token) === subject(c)).at(-1)!.token;

  it('connects A and B (two workspaces, two accounts); each verifies and issues credentials with its own token', async () => {
    await connect(a, 'AWS A');
    await connect(b, 'AWS B');
    for (const c of [a, b]) {
      expect((await server.engine.cloudConnections.verify({ userId: owner.id }, { workspaceSlug: c.workspaceSlug, connectionId: c.id })).data).toMatchObject({ connectionStatus: 'connected' });
      const issued = await server.engine.credentials.issue({ userId: owner.id }, { workspaceSlug: c.workspaceSlug, connectionId: c.id, purpose: 'deploy' });
      expect(issued.data).toMatchObject({ provider: 'aws', accountId: c.account });
      expect(sandbox.fakes.sts.session((issued.data as { accessKeyId: string }).accessKeyId)?.roleArn).toBe(roleArn(c.account));
      const token = lastFor(c);
      expect(partOf(token, 1)).toMatchObject({ iss: `${server.baseUrl}/api`, aud: 'sts.amazonaws.com', sub: subject(c) });
    }
    const rows = await server.peek.rows('cloud_connections');
    for (const c of [a, b]) expect(rows.find((r) => Number(r.id) === c.id)).toMatchObject({ auth_mode: 'oidc', secret_data: null, external_id: null });
  });

  it("a token minted for A is refused for B's role (AccessDenied), and B's for A's; each is accepted for its own", async () => {
    const forA = lastFor(a);
    const forB = lastFor(b);
    expect(await failure(assume(b.account, forA))).toMatchObject({ kind: 'refused', providerCode: 'AccessDenied', message: expect.stringContaining('sts:AssumeRoleWithWebIdentity') });
    expect(await failure(assume(a.account, forB))).toMatchObject({ kind: 'refused', providerCode: 'AccessDenied' });
    expect(await assume(a.account, forA)).toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(await assume(b.account, forB)).toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
  });

  it('key rotation: live connections keep working through the overlap; the retired key is refused', async () => {
    await walkKeyRotation({
      server,
      clock,
      actor: { userId: owner.id },
      live: [a, b].map((c) => ({ id: c.id, workspaceSlug: c.workspaceSlug, subject: subject(c) })),
      audience: 'sts.amazonaws.com',
      minted: () => minted.map((m) => m.token),
      present: (token) => assume(a.account, token),
      unknownKey: { kind: 'refused', providerCode: 'InvalidIdentityTokenException' },
      provider: 'aws',
    });
  });
}));

/**
 * GCP (always federated): each connection's setup script makes the project's pool provider trust
 * our issuer with the attribute condition `assertion.sub.startsWith('workspace:<w>:connection:')`
 * and binds `roles/iam.workloadIdentityUser` on the service account to that connection's principal
 * (`principal://…/workloadIdentityPools/<pool>/subject/<subject>`); the fake GCP applies both as
 * Google does. A and C live in one workspace (two projects), B in another.
 */
describe('GCP: workload identity federation', () => describeBackends((backend) => {
  const clock = createFakeClock(new Date());
  let server: TestServer;
  let sandbox: SandboxProviders;
  let fakes: SandboxFakes;
  let owner: { id: number; token: string };
  /** Every subject token the engine minted for Google STS. */
  const minted: string[] = [];
  const wif = (projectId: string, projectNumber: string) => ({
    projectId,
    projectNumber,
    poolId: 'gateways-pool',
    providerId: 'gateways-oidc',
    serviceAccountEmail: `gateways-cloud-connection@${projectId}.iam.gserviceaccount.com`,
  });
  type Conn = { id: number; workspaceId: number; workspaceSlug: string; wif: ReturnType<typeof wif> };
  const a: Conn = { id: 0, workspaceId: 0, workspaceSlug: 'acme', wif: wif('acme-prod-1', '111111111111') };
  const b: Conn = { id: 0, workspaceId: 0, workspaceSlug: 'beta', wif: wif('beta-prod-1', '222222222222') };
  const c: Conn = { id: 0, workspaceId: 0, workspaceSlug: 'acme', wif: wif('acme-stage-1', '333333333333') };
  const subject = (x: Conn) => subjectOf(x.workspaceId, x.id);
  const audience = (w: Conn['wif']) => `//iam.googleapis.com/projects/${w.projectNumber}/locations/global/workloadIdentityPools/${w.poolId}/providers/${w.providerId}`;
  /** Present `token` for the setup `w` (its pool provider and service account), as the connector does. */
  const present = (w: Conn['wif'], token: string) =>
    sandbox.providers.gcp.testWorkloadIdentity({ audience: audience(w), subjectToken: () => Promise.resolve(token), serviceAccountEmail: w.serviceAccountEmail, projectId: w.projectId });
  const lastFor = (x: Conn) => minted.filter((t) => subOf(t) === subject(x)).at(-1)!;

  beforeAll(async () => {
    sandbox = sandboxFor(clock, () => server);
    fakes = sandbox.fakes;
    const gcp = sandbox.providers.gcp;
    const recording = <T extends Pick<GcpWifTestInput, 'subjectToken'>>(input: T): T => ({
      ...input,
      subjectToken: async () => {
        const token = await input.subjectToken();
        minted.push(token);
        return token;
      },
    });
    const engineGcp: GcpConnector = {
      testWorkloadIdentity: (input, o) => gcp.testWorkloadIdentity(recording(input), o),
      getAccessToken: (input, o) => gcp.getAccessToken(recording(input), o),
    };
    server = await startTestServer({ backend, providers: { gcp: engineGcp }, engineOptions: { clock } });
    owner = await server.createUser('owner@example.com');
    const acme = await createWorkspace(server, clock, owner, 'Acme');
    a.workspaceId = acme;
    c.workspaceId = acme;
    b.workspaceId = await createWorkspace(server, clock, owner, 'Beta');
  });
  afterAll(() => server.close());

  /** connect-gcp → the connection's script, run in `x`'s project → complete with its WIF config. */
  async function connect(x: Conn, accountName: string): Promise<void> {
    const actor = { userId: owner.id };
    x.id = (await server.engine.cloudConnections.connectGcp(actor, { workspaceSlug: x.workspaceSlug })).data.connectionId;
    // What the fake applies is what the script does: this workspace's condition, this connection's principal.
    const script = await server.rest('GET', `/api/cloud-connections/scripts/gcp-wif.sh?connection=${x.id}`);
    expect(script.body).toContain(`SUBJECT='${subject(x)}'`);
    expect(script.body).toContain(`SUBJECT_PREFIX='workspace:${x.workspaceId}:connection:'`);
    expect(script.body).toContain('CONDITION="assertion.sub.startsWith(\'$SUBJECT_PREFIX\')"');
    expect(script.body).toContain('--member="$PRINCIPAL"');
    fakes.gcpWorld.runSetupScript({ ...x.wif, subject: subject(x) });
    const done = await server.engine.cloudConnections.complete(actor, { workspaceSlug: x.workspaceSlug, connectionId: x.id, accountName, wifConfig: x.wif });
    expect(done.data).toMatchObject({ connectionStatus: 'connected' });
  }

  it('connects A, B and C; each verifies and issues an access token with its own subject token', async () => {
    await connect(a, 'GCP A');
    await connect(b, 'GCP B');
    await connect(c, 'GCP C');
    for (const x of [a, b, c]) {
      expect((await server.engine.cloudConnections.verify({ userId: owner.id }, { workspaceSlug: x.workspaceSlug, connectionId: x.id })).data).toMatchObject({ connectionStatus: 'connected' });
      const issued = await server.engine.credentials.issue({ userId: owner.id }, { workspaceSlug: x.workspaceSlug, connectionId: x.id, purpose: 'deploy' });
      expect(issued.data).toMatchObject({ provider: 'gcp', serviceAccountEmail: x.wif.serviceAccountEmail, accessToken: expect.stringMatching(/^ya29\./) });
      expect(partOf(lastFor(x), 1)).toMatchObject({ iss: `${server.baseUrl}/api`, aud: audience(x.wif), sub: subject(x) });
    }
  });

  /** A token of cloudlink's issuer (its current key) for `x`'s subject, addressed to the pool provider of `w`. */
  const issuerToken = async (x: Conn, w: Conn['wif']) => signWithStoredKey(server, clock, kidOf(minted.at(-1)!), { subject: subject(x), audience: audience(w) });
  const CONDITION_REFUSAL = { error: 'invalid_grant', description: 'The given credential is rejected by the attribute condition.' };

  it("a token for A's subject is refused by B's pool provider (another workspace): STS invalid_grant, the attribute condition", async () => {
    // A's own tokens name A's provider: B's refuses them on the audience already.
    expect(await failure(present(b.wif, lastFor(a)))).toMatchObject({ kind: 'refused', providerCode: 'invalid_grant', call: 'STS token exchange' });
    // Addressed to B's provider, the attribute condition decides (and says so), both ways.
    const aForB = await issuerToken(a, b.wif);
    expect(await failure(present(b.wif, aForB))).toMatchObject({ kind: 'refused', providerCode: 'invalid_grant', call: 'STS token exchange' });
    expect(await fakes.gcpWorld.exchange(audience(b.wif), aForB)).toEqual(CONDITION_REFUSAL);
    expect(await failure(present(a.wif, await issuerToken(b, a.wif)))).toMatchObject({ kind: 'refused', providerCode: 'invalid_grant' });
    // Each connection's own token is accepted.
    expect(await present(a.wif, lastFor(a))).toEqual({ projectId: a.wif.projectId, projectNumber: a.wif.projectNumber });
    expect(await present(b.wif, await issuerToken(b, b.wif))).toEqual({ projectId: b.wif.projectId, projectNumber: b.wif.projectNumber });
    // Through the engine: a connection of workspace Beta completed with A's setup fails its test and stays failed.
    const actor = { userId: owner.id };
    const e = (await server.engine.cloudConnections.connectGcp(actor, { workspaceSlug: 'beta' })).data.connectionId;
    await expect(server.engine.cloudConnections.complete(actor, { workspaceSlug: 'beta', connectionId: e, accountName: 'Not mine', wifConfig: a.wif })).rejects.toMatchObject({
      code: 'CONNECTION_TEST_FAILED',
    });
    expect((await server.storage.connections.getConnectionById(e))?.status).toBe('failed');
    expect(subOf(minted.at(-1)!)).toBe(subjectOf(b.workspaceId, e));
    expect(await fakes.gcpWorld.exchange(audience(a.wif), minted.at(-1)!)).toEqual(CONDITION_REFUSAL);
  });

  it("a token for A's subject passes C's condition (same workspace) but not C's service account binding: 403 on generateAccessToken", async () => {
    const denied = { kind: 'refused', status: 403, call: 'generateAccessToken' };
    const aForC = await issuerToken(a, c.wif);
    expect(await fakes.gcpWorld.exchange(audience(c.wif), aForC)).toEqual({ subject: subject(a) });
    expect(await failure(present(c.wif, aForC))).toMatchObject(denied);
    expect(await failure(present(a.wif, await issuerToken(c, a.wif)))).toMatchObject(denied);
    expect(await present(c.wif, lastFor(c))).toEqual({ projectId: c.wif.projectId, projectNumber: c.wif.projectNumber });
    // Through the engine: another connection of A's workspace completed with C's setup (its script never run) fails its test.
    const actor = { userId: owner.id };
    const d = (await server.engine.cloudConnections.connectGcp(actor, { workspaceSlug: 'acme' })).data.connectionId;
    await expect(server.engine.cloudConnections.complete(actor, { workspaceSlug: 'acme', connectionId: d, accountName: 'Not mine', wifConfig: c.wif })).rejects.toMatchObject({
      code: 'CONNECTION_TEST_FAILED',
    });
    expect((await server.storage.connections.getConnectionById(d))?.status).toBe('failed');
  });

  it('key rotation: live connections keep working through the overlap; the retired key is refused', async () => {
    await walkKeyRotation({
      server,
      clock,
      actor: { userId: owner.id },
      live: [a, b, c].map((x) => ({ id: x.id, workspaceSlug: x.workspaceSlug, subject: subject(x) })),
      audience: audience(a.wif),
      minted: () => minted,
      present: (token) => present(a.wif, token),
      unknownKey: { kind: 'refused', providerCode: 'invalid_grant' },
      provider: 'gcp',
    });
  });
}));

const TENANT = '11111111-2222-3333-4444-555555555555';
const SUBSCRIPTION = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const APP_A = '99999999-8888-7777-6666-555555555555';
const APP_B = '77777777-6666-5555-4444-333333333333';
const isToken = (url: string) => url.includes('/oauth2/v2.0/token');

/**
 * Connect-azure with `mode: "oidc"` → the federated setup script → the callback with the three ids
 * only → verify → credentials for the host, against the fake Entra ID, which verifies the assertions
 * our issuer mints against our JWKS (read through the discovery document and cached, as Entra does).
 */
describe('Azure (mode oidc): connections with no client secret', () => describeBackends((backend) => {
  // Real time, so MSAL (which judges token expiry by the system clock) accepts what the fake issues.
  const clock = createFakeClock(new Date());
  let server: TestServer;
  let fakes: SandboxFakes;
  let azure: AzureConnector;
  let owner: { id: number; token: string };
  /** Every assertion the engine minted, by the app it was presented for. */
  const minted: { clientId: string; assertion: string }[] = [];
  const ids = { a: 0, b: 0 };

  beforeAll(async () => {
    const sandbox = createSandboxProviders({
      now: () => clock.now(),
      oidc: { issuer: () => `${server.baseUrl}/api`, jwks: () => server.engine.publicAssets.jwks() },
    });
    fakes = sandbox.fakes;
    azure = sandbox.providers.azure;
    // The real connector, seeing what the engine hands it: records each assertion it is given.
    const recording = (input: AzureCredentials): AzureCredentials => {
      const make = input.clientAssertion;
      if (!make) return input;
      return {
        ...input,
        clientAssertion: async () => {
          const assertion = await make();
          minted.push({ clientId: input.clientId, assertion });
          return assertion;
        },
      };
    };
    const engineAzure: AzureConnector = {
      getSubscription: (input, o) => azure.getSubscription(recording(input), o),
      getToken: (input, scopes, o) => azure.getToken(recording(input), scopes, o),
    };
    server = await startTestServer({ backend, providers: { azure: engineAzure }, engineOptions: { clock, azure: { callbackRetryMs: 0 } } });
    owner = await server.createUser('owner@example.com');
    const ws = await server.rest('POST', '/api/workspaces', { token: owner.token, body: { name: 'Acme' } });
    await server.storage.workspaces.setWorkspacePlan({ workspaceId: ws.body.data.id, planId: 3, now: clock.now() });
  });
  afterAll(() => server.close());

  /** connect-azure in oidc mode → the federated script → the callback with the ids of `clientId`. */
  async function connect(accountName: string, clientId: string): Promise<number> {
    const started = await server.rest('POST', '/api/cloud-connections/acme/connect-azure', { token: owner.token, body: { mode: 'oidc' } });
    expect(started.status).toBe(201);
    const id = started.body.data.connectionId as number;
    const token = /T="([0-9a-f]{24})"/.exec(started.body.data.setupCommand)![1]!;
    expect(started.body.data.setupScriptUrl).toBe(`${server.baseUrl}/api/cloud-connections/scripts/azure.sh?connection=${id}`);
    const script = await server.rest('GET', `/api/cloud-connections/scripts/azure.sh?connection=${id}`);
    const subject = `workspace:${ws()}:connection:${id}`;
    expect(script.body).toContain(`"issuer":"${server.baseUrl}/api","subject":"${subject}","audiences":["api://AzureADTokenExchange"]`);
    expect(script.body).not.toContain('credential reset');
    await server.rest('PATCH', `/api/cloud-connections/acme/${id}`, { token: owner.token, body: { accountName } });
    const ids3 = { tenantId: TENANT, subscriptionId: SUBSCRIPTION, clientId };
    // A client secret is refused for an oidc connection (before the token is spent).
    expect(await server.rest('POST', '/api/cloud-connections/azure-setup-callback', { body: { token, ...ids3, clientSecret: 'not-wanted' } })).toMatchObject({
      status: 400,
      body: { error: 'Validation failed', message: expect.stringContaining('clientSecret') },
    });
    const done = await server.rest('POST', '/api/cloud-connections/azure-setup-callback', { body: { token, azureCredentials: ids3 } });
    expect(done).toMatchObject({ status: 200, body: { data: { connectionStatus: 'connected', accountId: SUBSCRIPTION, mode: 'oidc' } } });
    return id;
  }
  let workspaceId = 0;
  const ws = () => workspaceId;

  it('connects, verifies and issues credentials with assertions only; the row holds no secret', async () => {
    workspaceId = Number((await server.peek.rows('workspaces')).find((r) => r.slug === 'acme')!.id);
    const before = fakes.azure.entra.requests.length;
    ids.a = await connect('Azure A', APP_A);
    expect(await server.rest('POST', `/api/cloud-connections/acme/${ids.a}/verify`, { token: owner.token })).toMatchObject({ status: 200, body: { data: { connectionStatus: 'connected' } } });
    const issued = await server.engine.credentials.issue({ userId: owner.id }, { workspaceSlug: 'acme', connectionId: ids.a, purpose: 'deploy' });
    expect(issued.data).toMatchObject({ provider: 'azure', tenantId: TENANT, subscriptionId: SUBSCRIPTION, accessToken: expect.any(String) });
    const host = await server.engine.credentials.forHost({ workspaceSlug: 'acme', connectionId: ids.a, purpose: 'host', azure: { scopes: ['https://management.azure.com/.default', 'openid'] } });
    expect(host.data).toMatchObject({ provider: 'azure', accessToken: expect.any(String) });

    // Every token request carried an assertion for connection A's subject, never a secret.
    const forms = fakes.azure.entra.requests.slice(before).filter((r) => isToken(r.url)).map((r) => new URLSearchParams(r.body));
    expect(forms.length).toBeGreaterThanOrEqual(3);
    for (const form of forms) {
      expect(form.get('client_secret')).toBeNull();
      expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      const claims = JSON.parse(Buffer.from(form.get('client_assertion')!.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(claims).toMatchObject({ iss: `${server.baseUrl}/api`, sub: `workspace:${workspaceId}:connection:${ids.a}`, aud: 'api://AzureADTokenExchange' });
    }

    // The stored row: the three ids (sealed like every connection setup), no secret, no assertion.
    const row = (await server.peek.rows('cloud_connections')).find((r) => Number(r.id) === ids.a)!;
    expect(row.auth_mode).toBe('oidc');
    const stored = await server.storage.connections.getConnectionById(ids.a);
    const setup = JSON.parse(createTestSecretBox().open(stored!.secretData!, 'cloudlink:cloud_connections.secret_data')) as Record<string, unknown>;
    expect(setup).toEqual({ tenantId: TENANT, subscriptionId: SUBSCRIPTION, clientId: APP_A });
    const rowText = JSON.stringify(row);
    for (const m of minted) expect(rowText).not.toContain(m.assertion);
    expect(rowText).not.toMatch(/clientSecret|client_secret/);
  });

  it('a token minted for connection A is refused for connection B (AADSTS70021)', async () => {
    ids.b = await connect('Azure B', APP_B);
    const forA = minted.filter((m) => m.clientId === APP_A).at(-1)!.assertion;
    const refused = await azure
      .getToken({ tenantId: TENANT, subscriptionId: SUBSCRIPTION, clientId: APP_B, clientAssertion: async () => forA })
      .then(() => undefined, (e: unknown) => e as { kind?: string; message?: string });
    expect(refused).toMatchObject({ kind: 'refused', message: expect.stringContaining('AADSTS70021') });
    // B's own token still works, and A's app refuses B's token too.
    const forB = minted.filter((m) => m.clientId === APP_B).at(-1)!.assertion;
    const refusedA = await azure
      .getToken({ tenantId: TENANT, subscriptionId: SUBSCRIPTION, clientId: APP_A, clientAssertion: async () => forB })
      .then(() => undefined, (e: unknown) => e as { kind?: string });
    expect(refusedA).toMatchObject({ kind: 'refused' });
    expect(await server.rest('POST', `/api/cloud-connections/acme/${ids.b}/verify`, { token: owner.token })).toMatchObject({ status: 200 });
  });

  it('key rotation: live oidc connections keep working through the overlap', async () => {
    const oldKid = kidOf(minted.at(-1)!.assertion);
    const rotated = await server.engine.operator.rotateOidcKey();
    // Before the new key signs: the old one still does, and Entra still accepts it.
    expect(await server.rest('POST', `/api/cloud-connections/acme/${ids.a}/verify`, { token: owner.token })).toMatchObject({ status: 200 });
    expect(kidOf(minted.at(-1)!.assertion)).toBe(oldKid);
    // An hour later the new key signs; Entra's cached key set has expired and the refetch finds it.
    clock.advance(61 * 60_000);
    for (const id of [ids.a, ids.b]) {
      expect(await server.rest('POST', `/api/cloud-connections/acme/${id}/verify`, { token: owner.token })).toMatchObject({ status: 200, body: { data: { connectionStatus: 'connected' } } });
    }
    expect(kidOf(minted.at(-1)!.assertion)).toBe(rotated.kid);
    const issued = await server.engine.credentials.issue({ userId: owner.id }, { workspaceSlug: 'acme', connectionId: ids.a, purpose: 'after-rotation' });
    expect(issued.data).toMatchObject({ provider: 'azure', accessToken: expect.any(String) });
  });
}));
