import type { AzureCredentials, ProviderCallError, RetryPolicy } from '@cloudlink/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureConnector } from '../src/azure/index.js';
import type { AzureConnectorOptions } from '../src/azure/index.js';
import { failure as providerFailure } from './support.js';
import { armError, createInstantClock, createTestCertificates, entraError, halfRandom, startFakeAzure, type ListeningAzure, type RecordedRequest, type TestCertificates } from '@cloudlink/sandbox';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT = '22222222-2222-4222-8222-222222222222';
const SUB = '33333333-3333-4333-8333-333333333333';
const OTHER_SUB = '44444444-4444-4444-8444-444444444444';
const SECRET = 'Q~s3cr3t/with+chars=';
const policy: RetryPolicy = { maxAttempts: 5, baseMs: 500, capMs: 8_000, maxRetryAfterSeconds: 20 };
const isToken = (r: RecordedRequest) => r.url.includes('/oauth2/v2.0/token');

let certs: TestCertificates;
let azure: ListeningAzure;
beforeAll(async () => {
  certs = createTestCertificates();
  azure = await startFakeAzure({
    tls: certs,
    apps: [{ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }],
    subscriptions: {
      [SUB]: { displayName: 'Production', tenantId: TENANT, principals: [CLIENT] },
      [OTHER_SUB]: { displayName: 'Locked', tenantId: TENANT, principals: [] },
    },
  });
});
afterAll(async () => {
  await azure?.close();
  certs?.cleanup();
});

function connector(extra: Partial<AzureConnectorOptions> = {}) {
  const clock = createInstantClock();
  const c = createAzureConnector({ authorityHost: azure.entra.url, armUrl: azure.arm.url, tls: { ca: certs.ca }, env: {}, retryPolicy: policy, clock, random: halfRandom, ...extra });
  return { azure: c, clock };
}

const creds = (o: Partial<Record<'tenantId' | 'subscriptionId' | 'clientId' | 'clientSecret', string>> = {}): AzureCredentials => ({ tenantId: TENANT, subscriptionId: SUB, clientId: CLIENT, clientSecret: SECRET, ...o });

/** The ProviderCallError, checked to carry no secret in its message, code or stack. */
async function failure(p: Promise<unknown>): Promise<ProviderCallError> {
  const e = await providerFailure(p);
  expect(JSON.stringify({ m: e.message, c: e.providerCode, s: e.stack })).not.toContain('s3cr3t');
  return e;
}

const tokenRequests = () => azure.entra.requests.filter(isToken).length;

describe('createAzureConnector against fake Entra ID and ARM over https', () => {
  it('gets a client-credentials token and reads the subscription with it', async () => {
    const { azure: c } = connector();
    await expect(c.getSubscription(creds())).resolves.toEqual({ subscriptionId: SUB, displayName: 'Production' });
    const tokenForm = Object.fromEntries(new URLSearchParams(azure.entra.requests.filter(isToken).at(-1)!.body));
    expect(tokenForm).toMatchObject({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: SECRET, scope: `${azure.arm.url}/.default` });
    const armReq = azure.arm.requests.at(-1)!;
    expect(armReq.url).toBe(`/subscriptions/${SUB}?api-version=2022-12-01`);
    expect(armReq.headers.authorization).toMatch(/^Bearer eyJ/);
  });

  it('refuses a wrong client secret (invalid_client) and keeps only the first line of the AADSTS text', async () => {
    const { azure: c, clock } = connector();
    const before = tokenRequests();
    const e = await failure(c.getSubscription(creds({ clientSecret: 'wrong-s3cr3t' })));
    expect(e.kind).toBe('refused');
    expect(e.message).toBe(
      `Entra ID token request failed: invalid_client: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${CLIENT}'.`,
    );
    expect(e.status).toBe(401);
    expect(tokenRequests() - before).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('refuses an unknown application (unauthorized_client) and an unknown tenant', async () => {
    const { azure: c } = connector();
    const e1 = await failure(c.getSubscription(creds({ clientId: '55555555-5555-4555-8555-555555555555' })));
    expect(e1.kind).toBe('refused');
    expect(e1.providerCode).toBe('unauthorized_client');
    const e2 = await failure(c.getSubscription(creds({ tenantId: '66666666-6666-4666-8666-666666666666' })));
    expect(e2.kind).toBe('refused');
    expect(e2.call).toBe('Entra ID token request');
    expect(e2.providerCode).toBe('invalid_tenant');
  });

  it('refuses a subscription without a role assignment (ARM 403); a missing one (ARM 404) is not-found', async () => {
    const { azure: c } = connector();
    const e403 = await failure(c.getSubscription(creds({ subscriptionId: OTHER_SUB })));
    expect(e403.kind).toBe('refused');
    expect(e403.message).toMatch(/^subscriptions\.get failed: AuthorizationFailed: The client '/);
    const e404 = await failure(c.getSubscription(creds({ subscriptionId: '77777777-7777-4777-8777-777777777777' })));
    expect(e404.kind).toBe('not-found');
    expect(e404.message).toBe("subscriptions.get failed: SubscriptionNotFound: The subscription '77777777-7777-4777-8777-777777777777' could not be found.");
  });

  it('scrubs the client secret when Entra echoes the request', async () => {
    const { azure: c } = connector();
    azure.entra.fault({ match: isToken, status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify(entraError('invalid_request', `AADSTS900144: cannot parse client_secret=${encodeURIComponent(SECRET)} or ${SECRET}`)) });
    const e = await failure(c.getSubscription(creds()));
    expect(e.kind).toBe('refused');
    expect(e.message).toBe('Entra ID token request failed: invalid_request: AADSTS900144: cannot parse client_secret=[REDACTED] or [REDACTED]');
  });

  it('retries Entra 5xx with backoff, then reports transient', async () => {
    const { azure: c, clock } = connector();
    const before = tokenRequests();
    azure.entra.fault({ match: isToken, times: 5, status: 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'temporarily_unavailable', error_description: 'AADSTS50196: The server is busy.' }) });
    const e = await failure(c.getSubscription(creds()));
    expect(e.kind).toBe('transient');
    expect(e.message).toBe('Entra ID token request failed: temporarily_unavailable: AADSTS50196: The server is busy.');
    expect(tokenRequests() - before).toBe(5);
    expect(clock.sleeps).toEqual([250, 500, 1000, 2000]);
  });

  it('retries Entra throttling after Retry-After and succeeds when it clears', async () => {
    const { azure: c, clock } = connector();
    azure.entra.fault({ match: isToken, times: 2, status: 429, headers: { 'content-type': 'application/json', 'retry-after': '4' }, body: JSON.stringify({ error: 'too_many_requests', error_description: 'slow down' }) });
    await expect(c.getSubscription(creds())).resolves.toMatchObject({ subscriptionId: SUB });
    expect(clock.sleeps).toEqual([4000, 4000]);
  });

  it('reports persistent ARM throttling as throttled with the Retry-After', async () => {
    const { azure: c, clock } = connector();
    azure.arm.fault({ times: 5, status: 429, headers: { 'content-type': 'application/json', 'retry-after': '7' }, body: JSON.stringify(armError('TooManyRequests', 'Too many requests, retry later.')) });
    const e = await failure(c.getSubscription(creds()));
    expect(e.kind).toBe('throttled');
    expect(e.retryAfter).toBe(7);
    expect(e.message).toBe('subscriptions.get failed: TooManyRequests: Too many requests, retry later.');
    expect(clock.sleeps).toEqual([7000, 7000, 7000, 7000]);
  });

  it('times out a slow Entra and a slow ARM as transient', async () => {
    const { azure: c } = connector({ timeoutMs: 200, retryPolicy: { ...policy, maxAttempts: 1 } });
    azure.entra.fault({ match: isToken, delayMs: 1_500 });
    const e1 = await failure(c.getSubscription(creds()));
    expect(e1.kind).toBe('transient');
    expect(e1.message).toBe('Entra ID token request failed: Timeout: no answer within 200 ms');
    azure.arm.fault({ delayMs: 1_500 });
    const e2 = await failure(c.getSubscription(creds()));
    expect(e2.kind).toBe('transient');
    expect(e2.message).toBe('subscriptions.get failed: Timeout: no answer within 200 ms');
  });

  it('does not follow a redirect from ARM', async () => {
    const { azure: c } = connector({ retryPolicy: { ...policy, maxAttempts: 1 } });
    const before = azure.entra.requests.length;
    azure.arm.fault({ status: 302, headers: { location: `${azure.entra.url}/elsewhere` } });
    const e = await failure(c.getSubscription(creds()));
    expect(e.kind).toBe('transient');
    expect(e.providerCode).toBe('UnexpectedRedirect');
    expect(azure.entra.requests.slice(before).some((r) => r.url === '/elsewhere')).toBe(false);
  });

  it('verifies TLS: without the test CA the call fails as transient', async () => {
    const { azure: c } = connector({ tls: undefined, retryPolicy: { ...policy, maxAttempts: 1 } });
    const e = await failure(c.getSubscription(creds()));
    expect(e.kind).toBe('transient');
    expect(e.call).toBe('Entra ID token request');
  });

  it('rejects a non-https authority host at construction', () => {
    expect(() => createAzureConnector({ authorityHost: 'http://127.0.0.1:1', env: {} })).toThrow(/https/);
  });
});

describe('createAzureConnector.getToken (credentials for the host)', () => {
  it('asks Entra ID for exactly the scopes given (default the ARM scope) and reports the expiry', async () => {
    const { azure: c } = connector();
    const before = Date.now();
    const token = await c.getToken(creds(), [`${azure.arm.url}/user_impersonation`]);
    expect(Object.fromEntries(new URLSearchParams(azure.entra.requests.filter(isToken).at(-1)!.body))).toMatchObject({ scope: `${azure.arm.url}/user_impersonation` });
    expect(token.expiresAt.getTime()).toBeGreaterThan(before + 3_500_000);
    await c.getToken(creds());
    expect(Object.fromEntries(new URLSearchParams(azure.entra.requests.filter(isToken).at(-1)!.body))).toMatchObject({ scope: `${azure.arm.url}/.default` });
  });

  it('a wrong secret is refused, and the secret is in no message', async () => {
    const { azure: c } = connector();
    const e = await failure(c.getToken(creds({ clientSecret: 'Q~wrong' })));
    expect(e.call).toBe('Entra ID token request');
    expect(e.kind).not.toBe('transient');
  });
});
