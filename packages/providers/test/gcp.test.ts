import type { GcpWifTestInput, RetryPolicy } from '@cloudlink/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGcpConnector } from '../src/gcp/index.js';
import type { GcpConnectorOptions } from '../src/gcp/index.js';
import { failure } from './support.js';
import { createInstantClock, googleApiError, halfRandom, startFakeGcp, type ListeningGcp } from '@cloudlink/sandbox';

const AUDIENCE = '//iam.googleapis.com/projects/555/locations/global/workloadIdentityPools/gateways-pool/providers/gateways-oidc';
const SA = 'gateways-cloud-connection@proj-1.iam.gserviceaccount.com';
const policy: RetryPolicy = { maxAttempts: 5, baseMs: 500, capMs: 8_000, maxRetryAfterSeconds: 20 };

let gcp: ListeningGcp;
beforeAll(async () => {
  gcp = await startFakeGcp({
    audience: AUDIENCE,
    subjectTokens: { 'jwt-good': 'workspace:1:connection:7', 'jwt-unbound': 'workspace:1:connection:8' },
    serviceAccounts: { [SA]: ['workspace:1:connection:7'] },
    projects: { 'proj-1': { projectNumber: '555', readers: [SA] }, 'proj-2': { projectNumber: '666', readers: [] } },
  });
});
afterAll(() => gcp.close());

function connector(extra: Partial<GcpConnectorOptions> = {}) {
  const clock = createInstantClock();
  const connector = createGcpConnector({
    stsUrl: gcp.stsUrl,
    iamCredentialsUrl: gcp.iam.url,
    resourceManagerUrl: gcp.rm.url,
    env: {},
    retryPolicy: policy,
    clock,
    random: halfRandom,
    ...extra,
  });
  return { gcp: connector, clock };
}

function input(overrides: Partial<GcpWifTestInput> & { token?: string } = {}): GcpWifTestInput & { mints: () => number } {
  let mints = 0;
  const token = overrides.token ?? 'jwt-good';
  return {
    audience: AUDIENCE,
    serviceAccountEmail: SA,
    projectId: 'proj-1',
    subjectToken: async () => {
      mints++;
      return token;
    },
    ...overrides,
    mints: () => mints,
  };
}

const counts = () => ({ sts: gcp.sts.requests.length, iam: gcp.iam.requests.length, rm: gcp.rm.requests.length });
const delta = (before: ReturnType<typeof counts>) => {
  const now = counts();
  return { sts: now.sts - before.sts, iam: now.iam - before.iam, rm: now.rm - before.rm };
};

describe('createGcpConnector against fake Google STS, IAM Credentials and Resource Manager', () => {
  it('exchanges the token, impersonates the SA and reads the project', async () => {
    const { gcp: c } = connector();
    const i = input();
    const before = counts();
    await expect(c.testWorkloadIdentity(i)).resolves.toEqual({ projectId: 'proj-1', projectNumber: '555' });
    expect(i.mints()).toBe(1);
    expect(delta(before)).toEqual({ sts: 1, iam: 1, rm: 1 });

    const stsForm = Object.fromEntries(new URLSearchParams(gcp.sts.requests.at(-1)!.body));
    expect(stsForm).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      audience: AUDIENCE,
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      subject_token: 'jwt-good',
    });
    const iamReq = gcp.iam.requests.at(-1)!;
    expect(iamReq.url).toBe('/v1/projects/-/serviceAccounts/gateways-cloud-connection%40proj-1.iam.gserviceaccount.com:generateAccessToken');
    expect(iamReq.headers.authorization).toMatch(/^Bearer sts-/);
    expect(JSON.parse(iamReq.body)).toMatchObject({ scope: ['https://www.googleapis.com/auth/cloud-platform'] });
    expect(gcp.rm.requests.at(-1)!.headers.authorization).toMatch(/^Bearer ya29\./);
  });

  it('reports invalid_grant at the STS exchange as a refusal, without retrying', async () => {
    const { gcp: c, clock } = connector();
    const before = counts();
    const e = await failure(c.testWorkloadIdentity(input({ token: 'jwt-forged' })));
    expect(e.kind).toBe('refused');
    expect(e.message).toBe('STS token exchange failed: invalid_grant: The given credential is rejected by the attribute condition.');
    expect(e.status).toBe(400);
    expect(delta(before)).toEqual({ sts: 1, iam: 0, rm: 0 });
    expect(clock.sleeps).toEqual([]);
  });

  it('refuses an audience naming no pool provider', async () => {
    const { gcp: c } = connector();
    const e = await failure(c.testWorkloadIdentity(input({ audience: AUDIENCE.replace('gateways-oidc', 'other') })));
    expect(e.kind).toBe('refused');
    expect(e.call).toBe('STS token exchange');
    expect(e.providerCode).toBe('invalid_target');
  });

  it('refuses impersonation when the subject has no binding on the SA (IAM 403)', async () => {
    const { gcp: c } = connector();
    const e = await failure(c.testWorkloadIdentity(input({ token: 'jwt-unbound' })));
    expect(e.kind).toBe('refused');
    expect(e.message).toBe("generateAccessToken failed: PERMISSION_DENIED: Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).");
  });

  it('reports an unknown service account (IAM 404) as not-found', async () => {
    const { gcp: c } = connector();
    const e = await failure(c.testWorkloadIdentity(input({ serviceAccountEmail: 'nobody@proj-1.iam.gserviceaccount.com' })));
    expect(e.kind).toBe('not-found');
    expect(e.status).toBe(404);
    expect(e.call).toBe('generateAccessToken');
  });

  it('refuses a project the SA cannot read (Resource Manager 403), URL-encoding the id', async () => {
    const { gcp: c } = connector();
    const e = await failure(c.testWorkloadIdentity(input({ projectId: 'proj-2' })));
    expect(e.kind).toBe('refused');
    expect(e.message).toBe('projects.get failed: PERMISSION_DENIED: The caller does not have permission');
    await failure(c.testWorkloadIdentity(input({ projectId: 'a/b?c' })));
    expect(gcp.rm.requests.at(-1)!.url).toBe('/v1/projects/a%2Fb%3Fc');
  });

  it('retries STS throttling after Retry-After and reports throttled, minting the subject token once', async () => {
    const { gcp: c, clock } = connector();
    gcp.sts.fault({ times: 5, status: 429, headers: { 'content-type': 'application/json', 'retry-after': '2' }, body: JSON.stringify({ error: 'rate_limit_exceeded', error_description: 'Quota exceeded' }) });
    const i = input();
    const before = counts();
    const e = await failure(c.testWorkloadIdentity(i));
    expect(delta(before)).toEqual({ sts: 5, iam: 0, rm: 0 });
    expect(e.kind).toBe('throttled');
    expect(e.retryAfter).toBe(2);
    expect(e.message).toBe('STS token exchange failed: rate_limit_exceeded: Quota exceeded');
    expect(clock.sleeps).toEqual([2000, 2000, 2000, 2000]);
    expect(i.mints()).toBe(1);
  });

  it('retries a 5xx of generateAccessToken alone and then succeeds', async () => {
    const { gcp: c, clock } = connector();
    gcp.iam.fault({ times: 2, status: 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify(googleApiError(503, 'UNAVAILABLE', 'The service is currently unavailable.')) });
    const before = counts();
    await expect(c.testWorkloadIdentity(input())).resolves.toEqual({ projectId: 'proj-1', projectNumber: '555' });
    expect(delta(before)).toEqual({ sts: 1, iam: 3, rm: 1 });
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it('gives up on a persistent Resource Manager 5xx as transient', async () => {
    const { gcp: c } = connector();
    gcp.rm.fault({ times: 5, status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify(googleApiError(500, 'INTERNAL', 'Internal error encountered.')) });
    const e = await failure(c.testWorkloadIdentity(input()));
    expect(e.kind).toBe('transient');
    expect(e.message).toBe('projects.get failed: INTERNAL: Internal error encountered.');
  });

  it('times out a slow STS as transient', async () => {
    const { gcp: c } = connector({ timeoutMs: 150, retryPolicy: { ...policy, maxAttempts: 1 } });
    gcp.sts.fault({ delayMs: 1_000 });
    const e = await failure(c.testWorkloadIdentity(input()));
    expect(e.kind).toBe('transient');
    expect(e.message).toBe('STS token exchange failed: Timeout: no answer within 150 ms');
  });

  it('does not follow a redirect from IAM Credentials', async () => {
    const { gcp: c } = connector({ retryPolicy: { ...policy, maxAttempts: 1 } });
    gcp.iam.fault({ status: 302, headers: { location: `${gcp.rm.url}/elsewhere` } });
    const before = counts();
    const e = await failure(c.testWorkloadIdentity(input()));
    expect(e.kind).toBe('transient');
    expect(e.providerCode).toBe('UnexpectedRedirect');
    expect(delta(before).rm).toBe(0);
  });

  it('lets a failure to mint the subject token through unchanged', async () => {
    const { gcp: c } = connector();
    const boom = new Error('no signing key');
    await expect(c.testWorkloadIdentity(input({ subjectToken: () => Promise.reject(boom) }))).rejects.toBe(boom);
  });

  it('reads its URLs from the environment when not given', async () => {
    const { clock } = connector();
    const c = createGcpConnector({
      env: { CLOUDLINK_GCP_STS_URL: gcp.stsUrl, CLOUDLINK_GCP_IAM_CREDENTIALS_URL: gcp.iam.url, CLOUDLINK_GCP_RESOURCE_MANAGER_URL: `${gcp.rm.url}/` },
      clock,
      random: halfRandom,
    });
    await expect(c.testWorkloadIdentity(input())).resolves.toEqual({ projectId: 'proj-1', projectNumber: '555' });
  });
});

describe('createGcpConnector.getAccessToken (credentials for the host)', () => {
  it('exchanges and impersonates for the scopes asked, and reports the token expiry', async () => {
    const { gcp: c } = connector();
    const before = Date.now();
    const token = await c.getAccessToken({ audience: AUDIENCE, subjectToken: async () => 'jwt-good', serviceAccountEmail: SA, scopes: ['https://www.googleapis.com/auth/compute.readonly'] });
    expect(token.token).toMatch(/^ya29\./);
    expect(token.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3_590_000);
    const body = JSON.parse(gcp.iam.requests.at(-1)!.body) as { scope: string[] };
    expect(body.scope).toEqual(['https://www.googleapis.com/auth/compute.readonly']);
  });

  it('names the step that refused: a subject not bound to the service account', async () => {
    const { gcp: c } = connector();
    const e = await failure(c.getAccessToken({ audience: AUDIENCE, subjectToken: async () => 'jwt-unbound', serviceAccountEmail: SA }));
    expect(e.call).toBe('generateAccessToken');
    expect(e.kind).not.toBe('transient');
  });
});
