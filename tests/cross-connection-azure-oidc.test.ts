import type { AzureConnector, AzureCredentials } from '@cloudlink/engine';
import { createFakeClock, createTestSecretBox } from '@cloudlink/engine/testing';
import { createSandboxProviders, type SandboxFakes } from '@cloudlink/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestServer, type TestServer } from './harness/index.js';

const TENANT = '11111111-2222-3333-4444-555555555555';
const SUBSCRIPTION = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const APP_A = '99999999-8888-7777-6666-555555555555';
const APP_B = '77777777-6666-5555-4444-333333333333';
const isToken = (url: string) => url.includes('/oauth2/v2.0/token');

/**
 * Azure connections in `oidc` mode end to end over SQLite and Postgres: connect-azure with
 * `mode: "oidc"` → the federated setup script → the callback with the three ids only → verify →
 * credentials for the host, against the fake Entra ID, which verifies the assertions our issuer
 * mints against our JWKS (read through the discovery document and cached, as Entra does).
 */
describeBackends('Azure connections with no client secret (mode oidc)', (backend) => {
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
    const kidOf = (assertion: string) => (JSON.parse(Buffer.from(assertion.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string }).kid;
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
});
