import { describeAzureConnectorConformance } from '@cloudlink/engine/testing';
import { DEFAULT_RETRY_POLICY } from '@cloudlink/engine';
import type { AzureCredentials } from '@cloudlink/engine';
import { createInstantClock, createSandboxProviders, entraError, halfRandom, type RecordedRequest } from '../src/index.js';

/**
 * The Azure connector conformance suite on the sandbox itself: the real connector reaching the fakes
 * in-process, in the sandbox's open world (any app but the secret `invalid`). The AWS suite does not
 * apply here: it expects a wrong ExternalId and an unknown role to be refused, and the sandbox's STS
 * trusts any role with any 32-hex ExternalId on purpose (every connection of the walkthrough works);
 * it runs on the same fake with a fixed trust policy in packages/providers/test.
 */

const isToken = (r: RecordedRequest) => r.url.includes('/oauth2/v2.0/token');

describeAzureConnectorConformance({
  name: 'sandbox: real Entra ID / ARM connector, in-process fakes',
  create: async () => {
    const clock = createInstantClock();
    const sandbox = createSandboxProviders({ clock, random: halfRandom });
    const entra = sandbox.fakes.azure.entra;
    const credentials: AzureCredentials = {
      tenantId: '11111111-1111-4111-8111-111111111111',
      subscriptionId: '33333333-3333-4333-8333-333333333333',
      clientId: '22222222-2222-4222-8222-222222222222',
      clientSecret: 'sandbox-secret',
    };
    const json = { 'content-type': 'application/json' };
    return {
      connector: sandbox.providers.azure,
      world: { credentials, displayName: 'Sandbox subscription', refusals: [{ why: 'the client secret the sandbox refuses', input: { ...credentials, clientSecret: 'invalid' } }] },
      sleeps: clock.sleeps,
      maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
      faults: {
        throttleNext: (seconds, times = 1) =>
          entra.fault({ match: isToken, times, status: 429, headers: { ...json, 'retry-after': String(seconds) }, body: JSON.stringify(entraError('temporarily_unavailable', 'AADSTS50196: The server terminated an operation because it encountered a client request loop.')) }),
        failNext: (times = 1) => entra.fault({ match: isToken, times, status: 503, headers: json, body: JSON.stringify(entraError('temporarily_unavailable', 'AADSTS90033: A transient error has occurred. Please try again.')) }),
      },
      close: async () => {},
    };
  },
});
