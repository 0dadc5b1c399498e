import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProviderCallError } from '@cloudlink/engine';
import type { AzureCredentials, ProviderCallError } from '@cloudlink/engine';
import { createAzureConnector } from '@cloudlink/providers/azure';
import { AZURE_TOKEN_EXCHANGE_AUDIENCE, createInstantClock, createTestCertificates, halfRandom, startFakeAzure } from '../src/index.js';
import type { ListeningAzure, RecordedRequest, TestCertificates } from '../src/index.js';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT = '22222222-2222-4222-8222-222222222222';
const SUB = '33333333-3333-4333-8333-333333333333';
const SUBJECT = 'workspace:1:connection:2';
const isToken = (r: RecordedRequest) => r.url.includes('/oauth2/v2.0/token');

/** A key pair with its public JWK under `kid`. */
async function key(kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

// Our issuer over real HTTP: discovery and JWKS, counting the GETs the fake Entra makes.
const published: JWK[] = [];
const gets: string[] = [];
const issuerServer = createServer((req, res) => {
  gets.push(req.url ?? '');
  const body = req.url === '/api/.well-known/openid-configuration' ? { issuer, jwks_uri: `${issuer}/.well-known/jwks.json` } : req.url === '/api/.well-known/jwks.json' ? { keys: published } : null;
  res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { error: 'not found' }));
});
let issuer = '';
let certs: TestCertificates;
let azure: ListeningAzure;
let k1: Awaited<ReturnType<typeof key>>;
/** How far the fake Entra's clock (and the tokens we mint) are ahead of the system clock. */
let offsetMs = 0;

beforeAll(async () => {
  await new Promise<void>((r) => issuerServer.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}/api`;
  k1 = await key('k1');
  published.push(k1.jwk);
  certs = createTestCertificates();
  azure = await startFakeAzure({
    tls: certs,
    apps: [{ tenantId: TENANT, clientId: CLIENT, federatedCredentials: [{ issuer, subject: SUBJECT, audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE] }] }],
    subscriptions: { [SUB]: { displayName: 'Production', tenantId: TENANT, principals: [CLIENT] } },
    federation: { now: () => new Date(Date.now() + offsetMs) },
  });
});
afterAll(async () => {
  await azure?.close();
  certs?.cleanup();
  await new Promise((r) => issuerServer.close(r));
});

const connector = () =>
  createAzureConnector({ authorityHost: azure.entra.url, armUrl: azure.arm.url, tls: { ca: certs.ca }, env: {}, retryPolicy: { maxAttempts: 2, baseMs: 1, capMs: 1, maxRetryAfterSeconds: 1 }, clock: createInstantClock(), random: halfRandom });

interface Claims {
  readonly signer?: { privateKey: CryptoKey };
  readonly kid?: string;
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string;
  readonly iat?: number;
  readonly exp?: number;
  readonly nbf?: number;
}
const nowSeconds = () => Math.floor((Date.now() + offsetMs) / 1000);
function assertion(c: Claims = {}): Promise<string> {
  return new SignJWT(c.nbf !== undefined ? { nbf: c.nbf } : {})
    .setProtectedHeader({ alg: 'RS256', kid: c.kid ?? 'k1' })
    .setIssuer(c.iss ?? issuer)
    .setSubject(c.sub ?? SUBJECT)
    .setAudience(c.aud ?? AZURE_TOKEN_EXCHANGE_AUDIENCE)
    .setIssuedAt(c.iat ?? nowSeconds())
    .setExpirationTime(c.exp ?? nowSeconds() + 600)
    .sign((c.signer ?? k1).privateKey);
}
const creds = (make: () => Promise<string>): AzureCredentials => ({ tenantId: TENANT, subscriptionId: SUB, clientId: CLIENT, clientAssertion: make });

/** The refusal, checked to carry no assertion (a bearer credential) in its message, code or stack. */
async function refusal(p: Promise<unknown>): Promise<ProviderCallError> {
  const e = await p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err,
  );
  if (!isProviderCallError(e)) throw e;
  expect(JSON.stringify({ m: e.message, c: e.providerCode, s: e.stack })).not.toMatch(/eyJ[\w-]+\.eyJ/);
  return e;
}

describe('fake Entra ID: federated client assertions (ClientAssertionCredential over https, JWKS over http)', () => {
  it('exchanges an assertion from the trusted issuer and subject for a token, with no client secret sent', async () => {
    // The credential may ask for an assertion more than once (MSAL can call back again, a second
    // later, before it sends); what it sends must be one we made.
    const made: string[] = [];
    const sub = await connector().getSubscription(
      creds(async () => {
        const a = await assertion();
        made.push(a);
        return a;
      }),
    );
    expect(sub).toEqual({ subscriptionId: SUB, displayName: 'Production' });
    const form = Object.fromEntries(new URLSearchParams(azure.entra.requests.filter(isToken).at(-1)!.body));
    expect(form).toMatchObject({ grant_type: 'client_credentials', client_id: CLIENT, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' });
    expect(made).toContain(form.client_assertion);
    expect(form).not.toHaveProperty('client_secret');
    expect(gets).toEqual(['/api/.well-known/openid-configuration', '/api/.well-known/jwks.json']);
    // The keys are cached: a second exchange reads neither document again.
    await connector().getToken(creds(() => assertion()));
    expect(gets).toHaveLength(2);
  });

  it('refuses what Entra ID refuses, with its AADSTS codes, as refused', async () => {
    const other = await key('k1');
    const cases: [Claims | string, string][] = [
      [{ sub: 'workspace:1:connection:3' }, 'AADSTS70021'],
      [{ iss: 'https://someone-else.example/api' }, 'AADSTS70021'],
      [{ aud: 'api://something-else' }, 'AADSTS700212'],
      [{ iat: nowSeconds() - 3600, exp: nowSeconds() - 301 - 60 }, 'AADSTS700024'],
      [{ nbf: nowSeconds() + 3600, exp: nowSeconds() + 4200 }, 'AADSTS700024'],
      [{ signer: other }, 'AADSTS700027'],
      ['not-a-jwt', 'AADSTS50027'],
    ];
    for (const [claims, code] of cases) {
      const e = await refusal(connector().getToken(creds(() => (typeof claims === 'string' ? Promise.resolve(claims) : assertion(claims)))));
      expect([e.kind, e.message.includes(code)], `${JSON.stringify(claims)} → ${e.message}`).toEqual(['refused', true]);
    }
  });

  it('accepts a token within the skew of its expiry (beyond it: AADSTS700024 above)', async () => {
    await expect(connector().getToken(creds(() => assertion({ iat: nowSeconds() - 900, exp: nowSeconds() - 60 })))).resolves.toMatchObject({ token: expect.any(String) });
  });

  it('rotation: a key published before it signs is fetched when the cache expires, so tokens it signs verify', async () => {
    const k2 = await key('k2');
    published.push(k2.jwk);
    const before = gets.length;
    await connector().getToken(creds(() => assertion()));
    expect(gets.length - before).toBe(0);
    // One hour later k2 signs; the cached set (fetched before it was published) has expired meanwhile.
    offsetMs += 60 * 60_000;
    await expect(connector().getToken(creds(() => assertion({ signer: k2, kid: 'k2' })))).resolves.toMatchObject({ token: expect.any(String) });
    expect(gets.length - before).toBe(2);
    // The retired key stays published through the overlap: a token it signed just before still verifies.
    await expect(connector().getToken(creds(() => assertion()))).resolves.toMatchObject({ token: expect.any(String) });
  });

  it('an unknown kid refetches the keys at most once a minute; a key never published is refused', async () => {
    const k3 = await key('k3');
    offsetMs += 60 * 60_000;
    await connector().getToken(creds(() => assertion()));
    const before = gets.length;
    const early = await refusal(connector().getToken(creds(() => assertion({ signer: k3, kid: 'k3' }))));
    expect(early.message).toContain('AADSTS700027');
    expect(gets.length - before).toBe(0);
    offsetMs += 61_000;
    published.push(k3.jwk);
    await expect(connector().getToken(creds(() => assertion({ signer: k3, kid: 'k3' })))).resolves.toMatchObject({ token: expect.any(String) });
    expect(gets.length - before).toBe(2);
  });
});
