import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { GcpConnector } from '../src/ports/cloud.js';
import { createTestEngine, failure, PUBLIC_URL } from './support/engine.js';

const WIF = {
  projectId: 'my-gcp-project-12345',
  projectNumber: '123456789012',
  poolId: 'gateways-pool',
  providerId: 'gateways-oidc',
  serviceAccountEmail: 'gateways-cloud-connection@my-gcp-project-12345.iam.gserviceaccount.com',
};

describe('GCP', () => {
  it('connect-gcp returns the Cloud Shell URL and script command', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    const res = await t.engine.cloudConnections.connectGcp(actor, { workspaceSlug });
    const url = `${PUBLIC_URL}/api/cloud-connections/scripts/gcp-wif.sh?connection=1`;
    expect(res).toEqual({
      message: 'GCP connection initiated',
      data: {
        connectionId: 1,
        connectionUrl: 'https://shell.cloud.google.com/cloudshell/editor?show=terminal',
        setupCommand: `curl -sSL '${url}' | bash`,
        setupScriptUrl: url,
        wifCommand: `curl -sSL '${url}' | bash`,
        wifScriptUrl: url,
        region: 'us-central1',
        status: 'pending',
      },
    });
  });

  it.each([
    ['an object', WIF],
    ['a JSON string', JSON.stringify(WIF)],
    ['Base64', Buffer.from(JSON.stringify(WIF)).toString('base64')],
    // '??>' encodes to '/' and '+' in standard Base64, so the URL-safe form really differs.
    ['URL-safe Base64', Buffer.from(JSON.stringify({ ...WIF, note: '??>>>' })).toString('base64url')],
  ])('complete accepts wifConfig as %s, mints our token and stores the config sealed', async (_label, wifConfig) => {
    const t = await createTestEngine();
    let seenToken = '';
    const spy = await createTestEngine({
      wrap: {
        gcp: (c): GcpConnector => ({
          getAccessToken: (input) => c.getAccessToken(input),
          testWorkloadIdentity: (input) =>
            c.testWorkloadIdentity({
              ...input,
              subjectToken: async () => (seenToken = await input.subjectToken()),
            }),
        }),
      },
    });
    for (const engine of [t, spy]) {
      const { actor, workspaceSlug } = await engine.workspace('ann@example.com', 'Acme');
      const { data } = await engine.engine.cloudConnections.connectGcp(actor, { workspaceSlug });
      const res = await engine.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, accountName: 'Prod GCP', wifConfig });
      expect(res.data).toMatchObject({ cloudProvider: { id: 2, name: 'gcp', displayName: 'Google Cloud Platform' }, accountId: WIF.projectId, connectionStatus: 'connected' });
      const [row] = await engine.storage.peek.rows('cloud_connections');
      expect(String(row!.secret_data)).toMatch(/^v1:test:/);
      expect(String(row!.secret_data)).not.toContain('gateways-pool');
      expect(JSON.stringify(res)).not.toContain('gateways-pool');
    }
    // The token our issuer minted: RS256, our kid, documented claims.
    const jwks = await spy.engine.publicAssets.jwks();
    const { payload } = await jwtVerify(seenToken, createLocalJWKSet(jwks), { issuer: `${PUBLIC_URL}/api`, currentDate: spy.clock.now() });
    expect(payload).toMatchObject({
      sub: 'workspace:1:connection:1',
      aud: '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/gateways-pool/providers/gateways-oidc',
    });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(typeof payload.jti).toBe('string');
    expect(decodeProtectedHeader(seenToken)).toMatchObject({ alg: 'RS256', kid: jwks.keys[0]!.kid });
  });

  it('validates wifConfig and projectId', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    const { data } = await t.engine.cloudConnections.connectGcp(actor, { workspaceSlug });
    const complete = (body: Record<string, unknown>) =>
      failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, accountName: 'G', ...body } as never));
    expect(await complete({ wifConfig: 'not json at all!' })).toMatchObject({
      message: 'wifConfig: must be a JSON object, a JSON string or Base64-encoded JSON',
    });
    expect(await complete({})).toMatchObject({ message: 'wifConfig: required' });
    expect(await complete({ wifConfig: { ...WIF, projectId: undefined } })).toMatchObject({ message: 'projectId: required' });
    expect(await complete({ wifConfig: WIF, projectId: 'another-project-1' })).toMatchObject({ message: 'projectId: does not match wifConfig.projectId' });
    expect(await complete({ wifConfig: { ...WIF, poolId: 'x' } })).toMatchObject({ details: [{ path: 'wifConfig.poolId' }] });
    expect(await complete({ wifConfig: { ...WIF, serviceAccountEmail: 'me@gmail.com' } })).toMatchObject({ details: [{ path: 'wifConfig.serviceAccountEmail' }] });
    // projectId at top level only is fine; a number projectNumber too.
    const ok = await t.engine.cloudConnections.complete(actor, {
      workspaceSlug,
      connectionId: data.connectionId,
      accountName: 'G',
      projectId: WIF.projectId,
      wifConfig: { ...WIF, projectId: undefined, projectNumber: 123456789012 },
    } as never);
    expect(ok.data.connectionStatus).toBe('connected');
  });

  it('a pool that refuses our token fails the connection with the STS message', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme');
    const { data } = await t.engine.cloudConnections.connectGcp(actor, { workspaceSlug });
    expect(
      await failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, accountName: 'G', wifConfig: { ...WIF, poolId: 'denied-pool' } })),
    ).toMatchObject({
      error: 'Connection test failed',
      message: 'STS token exchange failed: invalid_grant: The given credential is rejected by the attribute condition.',
      data: { connectionStatus: 'failed', accountId: WIF.projectId, accountName: 'G' },
    });
    const mismatch = await createTestEngine({
      wrap: { gcp: (c) => ({ getAccessToken: (input) => c.getAccessToken(input), testWorkloadIdentity: async (input) => ({ projectId: input.projectId, projectNumber: '999' }) }) },
    });
    const m = await mismatch.workspace('ann@example.com', 'Acme');
    const c = await mismatch.engine.cloudConnections.connectGcp(m.actor, { workspaceSlug: m.workspaceSlug });
    expect(
      await failure(mismatch.engine.cloudConnections.complete(m.actor, { workspaceSlug: m.workspaceSlug, connectionId: c.data.connectionId, accountName: 'G', wifConfig: WIF })),
    ).toMatchObject({ message: `projects.get failed: ProjectMismatch: project ${WIF.projectId} has number 999, expected ${WIF.projectNumber}` });
  });
});

const CREDS = {
  tenantId: '11111111-2222-3333-4444-555555555555',
  subscriptionId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  clientId: '99999999-8888-7777-6666-555555555555',
  clientSecret: 'Sup3r~Secret.Value_xyz',
};

async function azureSetup(options: Parameters<typeof createTestEngine>[0] = {}) {
  const t = await createTestEngine(options);
  const w = await t.workspace('ann@example.com', 'Acme');
  const res = await t.engine.cloudConnections.connectAzure(w.actor, { workspaceSlug: w.workspaceSlug });
  const token = /\$env:T="([0-9a-f]{24})"/.exec(res.data.setupCommand)![1]!;
  return { t, ...w, res, token, connectionId: res.data.connectionId };
}

describe('Azure', () => {
  it('connect-azure issues a one-time token and stores only its hash', async () => {
    const { t, res, token } = await azureSetup();
    expect(res).toEqual({
      message: 'Azure connection initiated',
      data: {
        connectionId: 1,
        connectionUrl: 'https://shell.azure.com',
        setupCommand: `$env:T="${token}"; curl -sSL '${PUBLIC_URL}/api/cloud-connections/scripts/azure.sh' | sh`,
        setupScriptUrl: `${PUBLIC_URL}/api/cloud-connections/scripts/azure.sh`,
        region: 'eastus',
        status: 'pending',
        setupTokenExpiresAt: '2024-01-15T11:30:00.000Z',
      },
    });
    const rows = JSON.stringify(await t.storage.peek.rows('cloud_connections'));
    expect(rows).not.toContain(token);
    expect(rows).toContain((await import('node:crypto')).createHash('sha256').update(token).digest('hex'));
  });

  it('the callback needs an account name, then completes once; the token is spent', async () => {
    const { t, actor, workspaceSlug, token, connectionId } = await azureSetup();
    expect(await failure(t.engine.cloudConnections.azureSetupCallback(null, { token, ...CREDS }))).toMatchObject({
      code: 'PRECONDITION',
      error: 'Account name required',
      message: 'Set accountName on the connection (PATCH) before running the setup command',
    });
    const patched = await t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId, accountName: ' Prod Azure ' });
    expect(patched).toEqual({
      message: 'Cloud connection updated successfully',
      data: { id: 1, accountName: 'Prod Azure', accountId: null, region: 'eastus', connectionStatus: 'pending', updatedAt: '2024-01-15T10:30:00.000Z' },
    });
    const res = await t.engine.cloudConnections.azureSetupCallback(null, { token, azureCredentials: Buffer.from(JSON.stringify(CREDS)).toString('base64') });
    expect(res).toMatchObject({
      message: 'Cloud connection completed successfully',
      data: { id: 1, accountId: CREDS.subscriptionId, accountName: 'Prod Azure', connectionStatus: 'connected', cloudProvider: { name: 'azure', displayName: 'Microsoft Azure' } },
    });
    expect(JSON.stringify(res)).not.toContain(CREDS.clientSecret);
    const rows = JSON.stringify(await t.storage.peek.rows('cloud_connections'));
    expect(rows).not.toContain(CREDS.clientSecret);
    expect(await failure(t.engine.cloudConnections.azureSetupCallback(null, { token, ...CREDS }))).toEqual({
      code: 'INVALID_TOKEN',
      retryAfter: undefined,
      error: 'Invalid token',
      message: 'Invalid or expired setup token',
    });
  });

  it('rejects malformed, unknown and expired tokens alike, and validates credentials first', async () => {
    const { t, actor, workspaceSlug, token, connectionId } = await azureSetup();
    await t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId, accountName: 'Az' });
    for (const bad of ['XYZ', 'a'.repeat(24), token.toUpperCase()]) {
      expect(await failure(t.engine.cloudConnections.azureSetupCallback(null, { token: bad, ...CREDS }))).toMatchObject({ error: 'Invalid token' });
    }
    expect(await failure(t.engine.cloudConnections.azureSetupCallback(null, { token, ...CREDS, subscriptionId: 'nope' }))).toMatchObject({
      error: 'Validation failed',
      details: [{ path: 'subscriptionId', message: 'must be a GUID' }],
    });
    expect(await failure(t.engine.cloudConnections.azureSetupCallback(null, { token, azureCredentials: '%%%' }))).toMatchObject({
      message: 'azureCredentials: must be a JSON object, a JSON string or Base64-encoded JSON',
    });
    expect(await failure(t.engine.cloudConnections.azureSetupCallback(null, { ...CREDS } as never))).toMatchObject({ message: 'token: required' });
    t.clock.advance(3600_000);
    expect(await failure(t.engine.cloudConnections.azureSetupCallback(null, { token, ...CREDS }))).toMatchObject({ error: 'Invalid token' });
  });

  it('a refused secret fails the connection and spends the token; manual complete then works', async () => {
    const { t, actor, workspaceSlug, token, connectionId } = await azureSetup({ azure: { callbackRetryMs: 0 } });
    await t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId, accountName: 'Az' });
    const err = await failure(t.engine.cloudConnections.azureSetupCallback(null, { token, ...CREDS, clientSecret: 'invalid' }));
    expect(err).toMatchObject({
      error: 'Connection test failed',
      message: 'Entra ID token request failed: invalid_client: AADSTS7000215: Invalid client secret provided.',
      data: { connectionStatus: 'failed' },
    });
    expect(JSON.stringify(err)).not.toContain(CREDS.clientSecret);
    expect(await failure(t.engine.cloudConnections.azureSetupCallback(null, { token, ...CREDS }))).toMatchObject({ error: 'Invalid token' });
    const manual = await t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId, accountName: 'Az', azureCredentials: JSON.stringify(CREDS) });
    expect(manual.data.connectionStatus).toBe('connected');
    expect(await failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: 1, accountName: 'X', tenantId: 'contoso.onmicrosoft.com', subscriptionId: CREDS.subscriptionId, clientId: CREDS.clientId, clientSecret: 's' }))).toMatchObject({ error: 'Connection already completed' });
  });

  it('the callback retries replication lag for up to the window, manual complete decides at once', async () => {
    const { t, actor, workspaceSlug, token, connectionId } = await azureSetup();
    await t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId, accountName: 'Az' });
    t.azure.control.failNext('Entra ID token request', { code: 'invalid_client', message: 'AADSTS7000215: not yet', kind: 'refused' }, { times: 3 });
    const res = await t.engine.cloudConnections.azureSetupCallback(null, { token, ...CREDS });
    expect(res.data.connectionStatus).toBe('connected');
    expect(t.clock.slept).toBe(15_000);

    const other = await azureSetup();
    t.clock.advance(0);
    await other.t.engine.cloudConnections.update(other.actor, { workspaceSlug: other.workspaceSlug, connectionId: other.connectionId, accountName: 'Az' });
    other.t.azure.control.failNext('Entra ID token request', { code: 'invalid_client', message: 'AADSTS7000215: never', kind: 'refused' }, { times: 100 });
    expect(await failure(other.t.engine.cloudConnections.azureSetupCallback(null, { token: other.token, ...CREDS }))).toMatchObject({ error: 'Connection test failed' });
    expect(other.t.clock.slept).toBe(60_000);

    const manual = await azureSetup();
    manual.t.azure.control.failNext('Entra ID token request', { code: 'invalid_client', message: 'AADSTS7000215: nope', kind: 'refused' });
    expect(
      await failure(manual.t.engine.cloudConnections.complete(manual.actor, { workspaceSlug: manual.workspaceSlug, connectionId: manual.connectionId, accountName: 'Az', azureCredentials: CREDS })),
    ).toMatchObject({ error: 'Connection test failed' });
    expect(manual.t.clock.slept).toBe(0);
  });

  it('a throttled test answers 503 and leaves the status unchanged', async () => {
    const { t, actor, workspaceSlug, connectionId } = await azureSetup();
    t.azure.control.failNext('subscriptions.get', { code: '429', message: 'Too many requests', kind: 'throttled' }, { times: 5 });
    expect(await failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId, accountName: 'Az', ...CREDS }))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      error: 'Provider unavailable',
      retryAfter: 5,
    });
    expect((await t.storage.connections.getConnectionById(connectionId))!.status).toBe('pending');
  });
});
