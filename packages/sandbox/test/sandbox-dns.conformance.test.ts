import { describeDnsProviderConformance } from '@cloudlink/engine/testing';
import { DEFAULT_RETRY_POLICY } from '@cloudlink/engine';
import type { DnsAuth } from '@cloudlink/engine';
import { CLOUDFLARE_FEATURES } from '@cloudlink/providers/cloudflare';
import { ROUTE53_FEATURES } from '@cloudlink/providers/aws';
import { createInstantClock, createSandboxProviders, halfRandom, type FakeService, type RecordedRequest } from '../src/index.js';

/**
 * The DNS provider conformance suite on the sandbox itself: the real Route 53 and Cloudflare
 * providers reaching the fakes in-process (no socket), exactly as sandbox mode wires them.
 */

const answer = (fake: FakeService, status: number, contentType: string, body: string, times = 1, headers: Record<string, string> = {}) =>
  fake.fault({ times, status, headers: { 'content-type': contentType, ...headers }, body });

const r53Error = (code: string, message: string) =>
  `<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>sandbox</RequestId></ErrorResponse>`;
const isR53Batch = (r: RecordedRequest) => r.method === 'POST' && r.url.includes('/rrset');

describeDnsProviderConformance({
  name: 'route53 (sandbox: real provider, in-process fake)',
  create: async () => {
    const clock = createInstantClock();
    const sandbox = createSandboxProviders({ clock, random: halfRandom });
    const fake = sandbox.fakes.route53;
    const credentials = await sandbox.providers.aws.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/R', sessionName: 's', externalId: 'a'.repeat(32) });
    const auth: DnsAuth = { provider: 'route53', credentials };
    const provider = sandbox.providers.dns.route53;
    const zone = await provider.session(auth).createOrImportZone({ domainName: 'conformance.test', callerReference: 'conformance' });
    const retryAfter = (seconds: number, form: 'seconds' | 'http-date') =>
      form === 'seconds' ? String(seconds) : new Date(clock.now().getTime() + seconds * 1000).toUTCString();
    const fail = (status: number, code: string, message: string, times = 1, headers: Record<string, string> = {}) =>
      answer(fake, status, 'text/xml', r53Error(code, message), times, headers);
    return {
      provider,
      auth,
      zone,
      missingZoneId: 'Z9999999999999',
      batchLimits: {
        valuesPerBatch: ROUTE53_FEATURES.batchLimits.resourceRecords,
        upsertWeight: ROUTE53_FEATURES.batchLimits.upsertWeight,
        charactersPerBatch: ROUTE53_FEATURES.batchLimits.valueCharacters,
      },
      sleeps: clock.sleeps,
      maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
      faults: {
        throttleNext: (seconds, times = 1, form = 'seconds') => fail(400, 'Throttling', 'Rate exceeded', times, { 'retry-after': retryAfter(seconds, form) }),
        failBatch: (k) => {
          let seen = 0;
          fake.fault({ match: (r) => isR53Batch(r) && ++seen === k, status: 400, headers: { 'content-type': 'text/xml' }, body: r53Error('InvalidChangeBatch', '[refused by the test]') });
        },
        revokeCredentials: () => fail(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.', Infinity),
        denyAccess: () => fail(403, 'AccessDenied', 'User is not authorized to perform: route53:ChangeResourceRecordSets', Infinity),
        batchCalls: () => fake.requests.filter(isR53Batch).length,
      },
      close: async () => {},
    };
  },
});

const cfError = (code: number, message: string) => JSON.stringify({ success: false, errors: [{ code, message }], messages: [], result: null });
const isCfBatch = (r: RecordedRequest) => r.method === 'POST' && r.url.endsWith('/dns_records/batch');

describeDnsProviderConformance({
  name: 'cloudflare (sandbox: real provider, in-process fake)',
  create: async () => {
    const clock = createInstantClock();
    const sandbox = createSandboxProviders({ clock, random: halfRandom });
    const fake = sandbox.fakes.cloudflare;
    const provider = sandbox.providers.dns.cloudflare;
    const auth: DnsAuth = { provider: 'cloudflare', apiToken: 'conformance' };
    const zone = await provider.session(auth).createOrImportZone({ domainName: 'conformance.test', callerReference: 'unused' });
    const retryAfter = (seconds: number, form: 'seconds' | 'http-date') =>
      form === 'seconds' ? String(seconds) : new Date(clock.now().getTime() + seconds * 1000).toUTCString();
    const fail = (status: number, code: number, message: string, times = 1, headers: Record<string, string> = {}) =>
      answer(fake, status, 'application/json', cfError(code, message), times, headers);
    return {
      provider,
      auth,
      zone,
      missingZoneId: 'f'.repeat(32),
      batchLimits: { valuesPerBatch: CLOUDFLARE_FEATURES.defaultBatchSize, upsertWeight: 1 },
      sleeps: clock.sleeps,
      maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
      faults: {
        throttleNext: (seconds, times = 1, form = 'seconds') => fail(429, 971, 'Please wait and consider throttling your request speed', times, { 'retry-after': retryAfter(seconds, form) }),
        failBatch: (k) => {
          let seen = 0;
          fake.fault({ match: (r) => isCfBatch(r) && ++seen === k, status: 400, headers: { 'content-type': 'application/json' }, body: cfError(9000, 'refused by the test') });
        },
        // The open world refuses only the token `invalid`; every later call answers 401 as a revoked token would.
        revokeCredentials: () => fail(401, 10000, 'Authentication error', Infinity),
        batchCalls: () => fake.requests.filter(isCfBatch).length,
      },
      close: async () => {},
    };
  },
});
