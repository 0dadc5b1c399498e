import { describeAzureConnectorConformance } from '@cloudlink/engine/testing';
import { DEFAULT_RETRY_POLICY } from '@cloudlink/engine';
import type { AzureCredentials } from '@cloudlink/engine';
import { createAzureConnector } from '../src/azure/index.js';
import { createInstantClock, createTestCertificates, entraError, halfRandom, startFakeAzure, type RecordedRequest } from '@cloudlink/sandbox';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT = '22222222-2222-4222-8222-222222222222';
const SUB = '33333333-3333-4333-8333-333333333333';
const LOCKED_SUB = '44444444-4444-4444-8444-444444444444';
const isToken = (r: RecordedRequest) => r.url.includes('/oauth2/v2.0/token');

describeAzureConnectorConformance({
  name: 'real Entra ID / ARM connector, HTTPS fakes',
  create: async () => {
    const certs = createTestCertificates();
    const azure = await startFakeAzure({
      tls: certs,
      apps: [{ tenantId: TENANT, clientId: CLIENT, clientSecret: 'right-secret' }],
      subscriptions: {
        [SUB]: { displayName: 'Production', tenantId: TENANT, principals: [CLIENT] },
        [LOCKED_SUB]: { displayName: 'Locked', tenantId: TENANT, principals: [] },
      },
    });
    const clock = createInstantClock();
    const connector = createAzureConnector({ authorityHost: azure.entra.url, armUrl: azure.arm.url, tls: { ca: certs.ca }, env: {}, clock, random: halfRandom });
    const credentials: AzureCredentials = { tenantId: TENANT, subscriptionId: SUB, clientId: CLIENT, clientSecret: 'right-secret' };
    const json = { 'content-type': 'application/json' };
    return {
      connector,
      world: {
        credentials,
        displayName: 'Production',
        refusals: [
          { why: 'wrong client secret', input: { ...credentials, clientSecret: 'wrong-secret' } },
          { why: 'unknown application', input: { ...credentials, clientId: '55555555-5555-4555-8555-555555555555' } },
          { why: 'no role on the subscription', input: { ...credentials, subscriptionId: LOCKED_SUB } },
        ],
      },
      sleeps: clock.sleeps,
      maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
      faults: {
        throttleNext: (seconds, times = 1) =>
          azure.entra.fault({ match: isToken, times, status: 429, headers: { ...json, 'retry-after': String(seconds) }, body: JSON.stringify(entraError('temporarily_unavailable', 'AADSTS50196: The server terminated an operation because it encountered a client request loop.')) }),
        failNext: (times = 1) => azure.entra.fault({ match: isToken, times, status: 503, headers: json, body: JSON.stringify(entraError('temporarily_unavailable', 'AADSTS90033: A transient error has occurred. Please try again.')) }),
      },
      close: async () => {
        await azure.close();
        certs.cleanup();
      },
    };
  },
});
