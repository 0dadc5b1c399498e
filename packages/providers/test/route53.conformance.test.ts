import { describeDnsProviderConformance } from '@cloudlink/engine/testing';
import { DEFAULT_RETRY_POLICY } from '@cloudlink/engine';
import type { DnsAuth } from '@cloudlink/engine';
import { ROUTE53_FEATURES, createRoute53Provider } from '../src/aws/route53/index.js';
import { createInstantClock, halfRandom, startFakeRoute53, type RecordedRequest } from '@cloudlink/sandbox';

const errorBody = (code: string, message: string) =>
  `<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>conformance</RequestId></ErrorResponse>`;
const isBatch = (r: RecordedRequest) => r.method === 'POST' && r.url.includes('/rrset');

describeDnsProviderConformance({
  name: 'route53 (real provider, Route 53 HTTP fake)',
  create: async () => {
    const fake = await startFakeRoute53();
    const clock = createInstantClock();
    const provider = createRoute53Provider({ endpoint: fake.url, clock, random: halfRandom, timeoutMs: 5_000 });
    const auth: DnsAuth = { provider: 'route53', credentials: { accessKeyId: 'AKIACONFORMANCE', secretAccessKey: 'secret', sessionToken: 'session' } };
    const zone = await provider.session(auth).createOrImportZone({ domainName: 'conformance.test', callerReference: 'conformance' });
    const retryAfter = (seconds: number, form: 'seconds' | 'http-date') =>
      form === 'seconds' ? String(seconds) : new Date(clock.now().getTime() + seconds * 1000).toUTCString();
    const answer = (status: number, code: string, message: string, times = 1, headers: Record<string, string> = {}) =>
      fake.fault({ times, status, headers: { 'content-type': 'text/xml', ...headers }, body: errorBody(code, message) });
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
        throttleNext: (seconds, times = 1, form = 'seconds') => answer(400, 'Throttling', 'Rate exceeded', times, { 'retry-after': retryAfter(seconds, form) }),
        failBatch: (k) => {
          let seen = 0;
          fake.fault({ match: (r) => isBatch(r) && ++seen === k, status: 400, headers: { 'content-type': 'text/xml' }, body: errorBody('InvalidChangeBatch', '[refused by the test]') });
        },
        revokeCredentials: () => answer(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.', Infinity),
        denyAccess: () => answer(403, 'AccessDenied', 'User is not authorized to perform: route53:ChangeResourceRecordSets', Infinity),
        batchCalls: () => fake.requests.filter(isBatch).length,
      },
      close: () => fake.close(),
    };
  },
});
