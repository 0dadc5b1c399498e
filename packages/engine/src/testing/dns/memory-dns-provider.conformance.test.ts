import { DEFAULT_RETRY_POLICY } from '../../retry/retry.js';
import { createFakeClock } from '../storage/fake-runtime.js';
import { describeDnsProviderConformance } from './conformance/index.js';
import { createMemoryDnsProvider } from './memory-dns-provider.js';
import type { DnsAuth } from '../../ports/dns.js';

const throttled = (retryAfter: number) => ({ code: 'Throttling', message: 'Rate exceeded', kind: 'throttled' as const, retryAfter });

for (const id of ['route53', 'cloudflare'] as const) {
  describeDnsProviderConformance({
    name: `memory (${id})`,
    create: async () => {
      const clock = createFakeClock();
      const sleeps: number[] = [];
      const provider = createMemoryDnsProvider({
        id,
        retryPolicy: DEFAULT_RETRY_POLICY,
        clock: { sleep: async (ms) => void sleeps.push(ms) },
      });
      const auth: DnsAuth =
        id === 'route53'
          ? { provider: 'route53', credentials: { accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't', expiration: clock.now() } }
          : { provider: 'cloudflare', apiToken: 'token' };
      const zone = id === 'route53' ? await provider.session(auth).createOrImportZone({ domainName: 'conformance.test', callerReference: 'ref' }) : provider.addZone('conformance.test');
      return {
        provider,
        auth,
        zone,
        missingZoneId: 'M99999999',
        batchLimits: provider.batchLimits,
        sleeps,
        addExistingZone: async (domainName, o) => void provider.addExistingZone(domainName, o),
        maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
        faults: {
          throttleNext: (seconds, times = 1) => provider.failNext('*', throttled(seconds), { times }),
          failBatch: (k) => provider.failNext('applyChanges', { code: 'InvalidChangeBatch', message: 'refused by the test', kind: 'invalid-input' }, { after: k - 1 }),
          revokeCredentials: () => provider.revokeCredentials(auth),
          denyAccess: () => provider.failNext('*', { code: 'AccessDenied', message: 'denied by the test', kind: 'refused' }, { times: Infinity }),
          batchCalls: () => provider.calls.filter((c) => c.call === 'applyChanges').length,
        },
      };
    },
  });
}
