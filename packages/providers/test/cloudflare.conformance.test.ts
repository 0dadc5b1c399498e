import { describeDnsProviderConformance } from '@cloudlink/engine/testing';
import { DEFAULT_RETRY_POLICY } from '@cloudlink/engine';
import type { DnsAuth } from '@cloudlink/engine';
import { CLOUDFLARE_FEATURES, createCloudflareProvider } from '../src/cloudflare/index.js';
import { createInstantClock, halfRandom, startFakeCloudflare, type RecordedRequest } from '@cloudlink/sandbox';

const errorBody = (code: number, message: string) => JSON.stringify({ success: false, errors: [{ code, message }], messages: [], result: null });
const isBatch = (r: RecordedRequest) => r.method === 'POST' && r.url.endsWith('/dns_records/batch');

describeDnsProviderConformance({
  name: 'cloudflare (real provider, Cloudflare HTTP fake)',
  create: async () => {
    const fake = await startFakeCloudflare();
    const clock = createInstantClock();
    fake.tokens.set('conformance', { status: 'active', zones: [] });
    const provider = createCloudflareProvider({ baseUrl: fake.baseUrl, clock, random: halfRandom, timeoutMs: 5_000 });
    const auth: DnsAuth = { provider: 'cloudflare', apiToken: 'conformance' };
    fake.addZone('conformance.test', ['conformance']);
    const zone = await provider.session(auth).createOrImportZone({ domainName: 'conformance.test', callerReference: 'unused' });
    const retryAfter = (seconds: number, form: 'seconds' | 'http-date') =>
      form === 'seconds' ? String(seconds) : new Date(clock.now().getTime() + seconds * 1000).toUTCString();
    const answer = (status: number, code: number, message: string, times = 1, headers: Record<string, string> = {}) =>
      fake.fault({ times, status, headers: { 'content-type': 'application/json', ...headers }, body: errorBody(code, message) });
    return {
      provider,
      auth,
      zone,
      missingZoneId: 'f'.repeat(32),
      // One operation per record value written or removed; an UPSERT of a new set posts each value once.
      batchLimits: { valuesPerBatch: CLOUDFLARE_FEATURES.defaultBatchSize, upsertWeight: 1 },
      sleeps: clock.sleeps,
      maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
      faults: {
        throttleNext: (seconds, times = 1, form = 'seconds') => answer(429, 971, 'Please wait and consider throttling your request speed', times, { 'retry-after': retryAfter(seconds, form) }),
        failBatch: (k) => {
          let seen = 0;
          fake.fault({ match: (r) => isBatch(r) && ++seen === k, status: 400, headers: { 'content-type': 'application/json' }, body: errorBody(9000, 'refused by the test') });
        },
        revokeCredentials: () => {
          const token = fake.tokens.get('conformance');
          if (token) token.status = 'disabled';
        },
        batchCalls: () => fake.requests.filter(isBatch).length,
      },
      close: () => fake.close(),
    };
  },
});
