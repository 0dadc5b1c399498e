import { DEFAULT_RETRY_POLICY } from '@cloudlink/engine';
import type { DnsAuth, DnsProvider, ZoneInfo } from '@cloudlink/engine';
import type { CreateDnsProvider, DnsFaults, DnsProviderUnderTest } from '@cloudlink/engine/testing';
import { CLOUDFLARE_FEATURES, createCloudflareProvider } from '@cloudlink/providers/cloudflare';
import { CLOUDDNS_FEATURES, createCloudDnsProvider } from '@cloudlink/providers/gcp';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { ROUTE53_FEATURES, createRoute53Provider } from '@cloudlink/providers/aws';
import { AZUREDNS_FEATURES, createAzureDnsProvider } from '@cloudlink/providers/azure';
import type { FakeService, RecordedRequest } from '../http/fake-service.js';
import type { FakeCfToken } from '../fakes/cloudflare.js';
import { cloudDnsError } from '../fakes/clouddns.js';
import type { FakeCloudDns } from '../fakes/clouddns.js';
import type { FakeRoute53 } from '../fakes/route53.js';
import { armError } from '../fakes/azure.js';
import { DEFAULT_AZURE_DNS_RESOURCE_GROUP } from '../fakes/azuredns.js';
import type { FakeAzureDns } from '../fakes/azuredns.js';
import { startFakeAzureDns, startFakeCloudDns, startFakeCloudflare, startFakeRoute53 } from '../fakes/start.js';
import { createTestCertificates } from './certificates.js';
import { createSandboxProviders } from '../sandbox/providers.js';
import { createInstantClock, halfRandom, type InstantClock } from './clock.js';

/**
 * The `create` of the DNS provider conformance suite for the real Route 53, Cloudflare, Cloud DNS
 * and Azure DNS providers over their fakes, written once for both ways of reaching a fake:
 * - `port`: the fake listens on 127.0.0.1 and the provider reaches it through its endpoint option
 *   and the SDK's own HTTP stack (node's http handler, global `fetch`), as it reaches the cloud;
 * - `in-process`: the provider comes from `createSandboxProviders()`, wired through the SDK seams
 *   (request handler, `fetch`) exactly as sandbox mode runs it.
 * Faults are answered on the provider's real wire (status, error body, headers), so the provider's
 * own error translation decides the kind the suite checks.
 */
export type DnsConformanceWiring = 'port' | 'in-process';
export type SandboxDnsProvider = 'route53' | 'cloudflare' | 'clouddns' | 'azuredns';

export function sandboxDnsConformance(provider: SandboxDnsProvider, wiring: DnsConformanceWiring): CreateDnsProvider {
  if (provider === 'clouddns') return () => cloudDnsUnderTest(wiring);
  if (provider === 'azuredns') return () => azurednsUnderTest(wiring);
  return provider === 'route53' ? () => route53UnderTest(wiring) : () => cloudflareUnderTest(wiring);
}

const ZONE = 'conformance.test';

/** A fault answering `status` with `body` for the next `times` calls (every call when `Infinity`). */
const answer = (fake: FakeService, contentType: string) => (status: number, body: string, times = 1, headers: Record<string, string> = {}) =>
  fake.fault({ times, status, headers: { 'content-type': contentType, ...headers }, body });

/** Retry-After `seconds` from the provider clock's now, in either of the header's forms. */
const retryAfter = (clock: InstantClock, seconds: number, form: 'seconds' | 'http-date') =>
  form === 'seconds' ? String(seconds) : new Date(clock.now().getTime() + seconds * 1000).toUTCString();

/** The `k`-th batch call from now fails whole with `status`/`body`. */
const failNthBatch = (fake: FakeService, isBatch: (r: RecordedRequest) => boolean, contentType: string, status: number, body: string) => (k: number) => {
  let seen = 0;
  fake.fault({ match: (r) => isBatch(r) && ++seen === k, status, headers: { 'content-type': contentType }, body });
};

interface Wired {
  readonly provider: DnsProvider;
  readonly auth: DnsAuth;
  readonly zone: ZoneInfo;
  readonly clock: InstantClock;
  readonly close: () => Promise<void>;
}

const common = (w: Wired, rest: Pick<DnsProviderUnderTest, 'missingZoneId' | 'batchLimits' | 'faults' | 'addExistingZone'>): DnsProviderUnderTest => ({
  provider: w.provider,
  auth: w.auth,
  zone: w.zone,
  sleeps: w.clock.sleeps,
  maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
  close: w.close,
  ...rest,
});

const route53Error = (code: string, message: string) =>
  `<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>conformance</RequestId></ErrorResponse>`;
const isRoute53Batch = (r: RecordedRequest) => r.method === 'POST' && r.url.includes('/rrset');

async function route53UnderTest(wiring: DnsConformanceWiring): Promise<DnsProviderUnderTest> {
  const clock = createInstantClock();
  let fake: FakeRoute53;
  let provider: DnsProvider;
  let auth: DnsAuth;
  let close = async () => {};
  if (wiring === 'port') {
    const listening = await startFakeRoute53();
    fake = listening;
    close = () => listening.close();
    provider = createRoute53Provider({ endpoint: listening.url, clock, random: halfRandom, timeoutMs: 5_000 });
    auth = { provider: 'route53', credentials: { accessKeyId: 'AKIACONFORMANCE', secretAccessKey: 'secret', sessionToken: 'session' } };
  } else {
    const sandbox = createSandboxProviders({ clock, random: halfRandom });
    fake = sandbox.fakes.route53;
    provider = sandbox.providers.dns.route53;
    // Credentials as the sandbox hands them out: assumed through the fake STS.
    const credentials = await sandbox.providers.aws.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/R', sessionName: 's', externalId: 'a'.repeat(32) });
    auth = { provider: 'route53', credentials };
  }
  const zone = await provider.session(auth).createOrImportZone({ domainName: ZONE, callerReference: 'conformance' });
  const fail = answer(fake, 'text/xml');
  const faults: DnsFaults = {
    throttleNext: (seconds, times = 1, form = 'seconds') => fail(400, route53Error('Throttling', 'Rate exceeded'), times, { 'retry-after': retryAfter(clock, seconds, form) }),
    failBatch: failNthBatch(fake, isRoute53Batch, 'text/xml', 400, route53Error('InvalidChangeBatch', '[refused by the test]')),
    revokeCredentials: () => fail(403, route53Error('InvalidClientTokenId', 'The security token included in the request is invalid.'), Infinity),
    denyAccess: () => fail(403, route53Error('AccessDenied', 'User is not authorized to perform: route53:ChangeResourceRecordSets'), Infinity),
    batchCalls: () => fake.requests.filter(isRoute53Batch).length,
  };
  return common(
    { provider, auth, zone, clock, close },
    {
      missingZoneId: 'Z9999999999999',
      batchLimits: {
        valuesPerBatch: ROUTE53_FEATURES.batchLimits.resourceRecords,
        upsertWeight: ROUTE53_FEATURES.batchLimits.upsertWeight,
        charactersPerBatch: ROUTE53_FEATURES.batchLimits.valueCharacters,
      },
      faults,
      addExistingZone: async (domainName, o) => void fake.addZone(domainName, { callerReference: o.callerReference, privateZone: o.private }),
    },
  );
}

const cloudflareError = (code: number, message: string) => JSON.stringify({ success: false, errors: [{ code, message }], messages: [], result: null });
const isCloudflareBatch = (r: RecordedRequest) => r.method === 'POST' && r.url.endsWith('/dns_records/batch');

async function cloudflareUnderTest(wiring: DnsConformanceWiring): Promise<DnsProviderUnderTest> {
  const clock = createInstantClock();
  const auth: DnsAuth = { provider: 'cloudflare', apiToken: 'conformance' };
  const fail = (fake: FakeService) => answer(fake, 'application/json');
  let fake: FakeService;
  let provider: DnsProvider;
  let close = async () => {};
  let access: Pick<DnsFaults, 'revokeCredentials' | 'denyAccess'>;
  if (wiring === 'port') {
    const listening = await startFakeCloudflare();
    fake = listening;
    close = () => listening.close();
    // A closed world: the token sees the zone because it is listed on it, so both faults are the
    // fake's own rules (a disabled token answers 401, a zone the token is not granted answers 403).
    const token: FakeCfToken = { status: 'active', zones: [] };
    listening.tokens.set('conformance', token);
    listening.addZone(ZONE, ['conformance']);
    provider = createCloudflareProvider({ baseUrl: listening.baseUrl, clock, random: halfRandom, timeoutMs: 5_000 });
    access = {
      revokeCredentials: () => void (token.status = 'disabled'),
      denyAccess: () => void token.zones.splice(0),
    };
  } else {
    // The sandbox's open world: every token but `invalid` sees every zone, so the provider creates
    // the zone, and the failures are answered on the wire as Cloudflare does.
    const sandbox = createSandboxProviders({ clock, random: halfRandom });
    fake = sandbox.fakes.cloudflare;
    provider = sandbox.providers.dns.cloudflare;
    access = {
      // Cloudflare answers 401 to a token it no longer accepts (revoked, expired, disabled)…
      revokeCredentials: () => fail(fake)(401, cloudflareError(10000, 'Authentication error'), Infinity),
      // …and 403 to a valid token whose permissions do not cover the zone or the edit.
      denyAccess: () => fail(fake)(403, cloudflareError(9109, 'Unauthorized to access requested resource'), Infinity),
    };
  }
  const zone = await provider.session(auth).createOrImportZone({ domainName: ZONE, callerReference: 'unused' });
  const faults: DnsFaults = {
    throttleNext: (seconds, times = 1, form = 'seconds') =>
      fail(fake)(429, cloudflareError(971, 'Please wait and consider throttling your request speed'), times, { 'retry-after': retryAfter(clock, seconds, form) }),
    failBatch: failNthBatch(fake, isCloudflareBatch, 'application/json', 400, cloudflareError(9000, 'refused by the test')),
    ...access,
    batchCalls: () => fake.requests.filter(isCloudflareBatch).length,
  };
  return common(
    { provider, auth, zone, clock, close },
    // One operation per record value written or removed; an UPSERT of a new set posts each value once.
    { missingZoneId: 'f'.repeat(32), batchLimits: { valuesPerBatch: CLOUDFLARE_FEATURES.defaultBatchSize, upsertWeight: 1 }, faults },
  );
}

const isCloudDnsChange = (r: RecordedRequest) => r.method === 'POST' && /\/managedZones\/[^/]+\/changes$/.test(new URL(r.url, 'http://x').pathname);
const cloudDnsBody = (code: number, status: string, reason: string, message: string) => JSON.stringify(cloudDnsError(code, status, reason, message));
const CLOUDDNS_PROJECT = 'conformance-project';

/**
 * The sandbox's way to a Cloud DNS token, end to end: our own OIDC issuer signs a subject token,
 * the real GCP connector exchanges it at the fake STS and impersonates at the fake IAM Credentials,
 * and the fake Cloud DNS accepts exactly the access tokens that fake issued. The token is kept
 * until revoked, as the engine's per-connection cache keeps it.
 */
async function sandboxCloudDnsToken(clock: InstantClock): Promise<{ sandbox: ReturnType<typeof createSandboxProviders>; token: () => Promise<string> }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'conformance', alg: 'RS256', use: 'sig' };
  const issuer = 'https://cloudlink.conformance.test/api';
  const sandbox = createSandboxProviders({ clock, random: halfRandom, oidc: { issuer, jwks: () => ({ keys: [jwk] }) } });
  const audience = '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/conformance/providers/cloudlink';
  let cached: Promise<string> | undefined;
  const token = () =>
    (cached ??= sandbox.providers.gcp
      .getAccessToken({
        audience,
        serviceAccountEmail: `dns@${CLOUDDNS_PROJECT}.iam.gserviceaccount.com`,
        subjectToken: () =>
          new SignJWT({})
            .setProtectedHeader({ alg: 'RS256', kid: 'conformance' })
            .setIssuer(issuer)
            .setAudience(audience)
            .setSubject('workspace:1:connection:1')
            .setIssuedAt()
            .setExpirationTime('10m')
            .sign(privateKey),
      })
      .then((t) => t.token));
  return { sandbox, token };
}

async function cloudDnsUnderTest(wiring: DnsConformanceWiring): Promise<DnsProviderUnderTest> {
  const clock = createInstantClock();
  let fake: FakeCloudDns;
  let provider: DnsProvider;
  let token: () => Promise<string>;
  let close = async () => {};
  if (wiring === 'port') {
    const listening = await startFakeCloudDns();
    fake = listening;
    close = () => listening.close();
    provider = createCloudDnsProvider({ baseUrl: listening.url, env: {}, clock, random: halfRandom, timeoutMs: 5_000 });
    token = async () => 'conformance-token';
  } else {
    const wired = await sandboxCloudDnsToken(clock);
    fake = wired.sandbox.fakes.clouddns;
    provider = wired.sandbox.providers.dns.clouddns;
    token = wired.token;
  }
  const auth: DnsAuth = { provider: 'clouddns', projectId: CLOUDDNS_PROJECT, accessToken: async () => ({ token: await token(), expiresAt: new Date(clock.now().getTime() + 3_600_000) }) };
  const zone = await provider.session(auth).createOrImportZone({ domainName: ZONE, callerReference: 'conformance' });
  // The token the session presents (the sandbox's is issued once and kept, as the engine's cache keeps it).
  const presented = await token();
  const fail = answer(fake, 'application/json');
  const faults: DnsFaults = {
    throttleNext: (seconds, times = 1, form = 'seconds') =>
      fail(429, cloudDnsBody(429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', "Quota exceeded for quota metric 'Write requests' of service 'dns.googleapis.com'"), times, {
        'retry-after': retryAfter(clock, seconds, form),
      }),
    failBatch: failNthBatch(fake, isCloudDnsChange, 'application/json', 400, cloudDnsBody(400, 'INVALID_ARGUMENT', 'invalid', 'refused by the test')),
    // Both are the fake's own rules for the token the session presents: revoked → 401, denied the project → 403.
    revokeCredentials: () => void fake.revokedTokens.add(presented),
    denyAccess: () => void fake.deniedTokens.add(presented),
    batchCalls: () => fake.requests.filter(isCloudDnsChange).length,
  };
  return common(
    { provider, auth, zone, clock, close },
    {
      missingZoneId: 'cl-missing-0000000000',
      batchLimits: {
        valuesPerBatch: CLOUDDNS_FEATURES.batchLimits.additionsPerChange,
        // A new set is one addition, whatever its values; the suite's sets are new.
        upsertWeight: 1,
        charactersPerBatch: CLOUDDNS_FEATURES.batchLimits.rrdataBytesPerChange,
      },
      faults,
    },
  );
}

/** The subscription of the Azure DNS conformance runs. */
export const AZUREDNS_CONFORMANCE_SUBSCRIPTION = '00000000-0000-0000-0000-0000000000c1';
const armErrorBody = (code: string, message: string) => JSON.stringify(armError(code, message));
/** A record set write (PUT/DELETE of `…/dnszones/{zone}/{type}/{name}`): Azure's one-change "batch". */
const isAzureRecordWrite = (r: RecordedRequest) => (r.method === 'PUT' || r.method === 'DELETE') && /\/dnszones\/[^/]+\/[^/]+\/[^/]+$/i.test(r.url.split('?')[0] ?? '');

/** The test certificates, made once per process (openssl takes about half a second). */
let azureCertificates: { ca: string; key: string; cert: string } | undefined;
function certificates(): { ca: string; key: string; cert: string } {
  if (!azureCertificates) {
    const made = createTestCertificates();
    azureCertificates = { ca: made.ca, key: made.key, cert: made.cert };
    made.cleanup();
  }
  return azureCertificates;
}

export interface AzureDnsUnderTest extends DnsProviderUnderTest {
  /** The fake, for provider-specific cases (a change made by someone else through the portal). */
  readonly fake: FakeAzureDns;
}

/**
 * Azure DNS over its ARM fake. `port`: the fake serves https with the test certificates (the SDK
 * sends bearer tokens over TLS only), and its own rules answer the access faults (a token it no
 * longer knows: 401; a known token denied the resource group: 403). `in-process`: the sandbox's
 * provider through the SDK's `httpClient` seam, with a token from the sandbox's Entra, faults
 * answered on the wire.
 */
export async function azurednsUnderTest(wiring: DnsConformanceWiring): Promise<AzureDnsUnderTest> {
  const clock = createInstantClock();
  const subscriptionId = AZUREDNS_CONFORMANCE_SUBSCRIPTION;
  const resourceGroup = DEFAULT_AZURE_DNS_RESOURCE_GROUP;
  let fake: FakeAzureDns;
  let provider: DnsProvider;
  let auth: DnsAuth;
  let close = async () => {};
  let access: Pick<DnsFaults, 'revokeCredentials' | 'denyAccess'>;
  const fail = (status: number, body: string, times = 1, headers: Record<string, string> = {}) => answer(fake, 'application/json; charset=utf-8')(status, body, times, headers);
  if (wiring === 'port') {
    const tls = certificates();
    const tokens = new Set(['conformance-token']);
    let denied = false;
    const listening = await startFakeAzureDns({ tls, authorize: (token) => (!tokens.has(token) ? 'invalid' : denied ? 'denied' : 'allow') });
    fake = listening;
    close = () => listening.close();
    provider = createAzureDnsProvider({ armUrl: listening.url, tls: { ca: tls.ca }, env: {}, clock, random: halfRandom, timeoutMs: 5_000 });
    auth = { provider: 'azuredns', subscriptionId, resourceGroup, accessToken: async () => ({ token: 'conformance-token', expiresAt: new Date(clock.now().getTime() + 3_600_000) }) };
    access = {
      revokeCredentials: () => tokens.clear(),
      denyAccess: () => void (denied = true),
    };
  } else {
    const sandbox = createSandboxProviders({ clock, random: halfRandom });
    fake = sandbox.fakes.azuredns;
    provider = sandbox.providers.dns.azuredns;
    // A token as the engine's TokenSource hands it out: the service principal's, from the sandbox's Entra, cached by the source.
    const credentials = { tenantId: 'conformance-tenant', subscriptionId, clientId: 'conformance-app', clientSecret: 'conformance-secret' };
    const token = await sandbox.providers.azure.getToken(credentials, ['https://management.azure.com/.default']);
    auth = { provider: 'azuredns', subscriptionId, resourceGroup, accessToken: async () => token };
    access = {
      // ARM answers 401 to a token it no longer accepts…
      revokeCredentials: () => fail(401, armErrorBody('InvalidAuthenticationToken', 'The access token is invalid.'), Infinity),
      // …and 403 to a valid token whose role assignments do not cover the resource group.
      denyAccess: () =>
        fail(403, armErrorBody('AuthorizationFailed', `The client does not have authorization to perform action 'Microsoft.Network/dnszones/A/write' over scope '/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}'.`), Infinity),
    };
  }
  const zone = await provider.session(auth).createOrImportZone({ domainName: ZONE, callerReference: 'conformance' });
  const faults: DnsFaults = {
    throttleNext: (seconds, times = 1, form = 'seconds') =>
      fail(429, armErrorBody('TooManyRequests', 'The request is being throttled.'), times, { 'retry-after': retryAfter(clock, seconds, form) }),
    failBatch: failNthBatch(fake, isAzureRecordWrite, 'application/json; charset=utf-8', 400, armErrorBody('BadRequest', 'refused by the test')),
    ...access,
    batchCalls: () => fake.requests.filter(isAzureRecordWrite).length,
  };
  const under = common(
    { provider, auth, zone, clock, close },
    {
      missingZoneId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/dnszones/missing.${ZONE}`,
      // No batch API: one change per call.
      batchLimits: { valuesPerBatch: AZUREDNS_FEATURES.changesPerCall, upsertWeight: 1 },
      faults,
    },
  );
  return { ...under, fake };
}
