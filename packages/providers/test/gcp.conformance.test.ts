import { describeGcpConnectorConformance } from '@cloudlink/engine/testing';
import { DEFAULT_RETRY_POLICY } from '@cloudlink/engine';
import type { GcpWifTestInput } from '@cloudlink/engine';
import { createGcpConnector } from '../src/gcp/index.js';
import { createInstantClock, googleApiError, halfRandom, startFakeGcp } from '@cloudlink/sandbox';

const AUDIENCE = '//iam.googleapis.com/projects/555/locations/global/workloadIdentityPools/gateways-pool/providers/gateways-oidc';
const SA = 'gateways-cloud-connection@proj-1.iam.gserviceaccount.com';
const UNBOUND_SA = 'other@proj-1.iam.gserviceaccount.com';

describeGcpConnectorConformance({
  name: 'real WIF connector, Google STS / IAM / Resource Manager HTTP fakes',
  create: async () => {
    const gcp = await startFakeGcp({
      audience: AUDIENCE,
      subjectTokens: { 'jwt-good': 'workspace:1:connection:7' },
      serviceAccounts: { [SA]: ['workspace:1:connection:7'], [UNBOUND_SA]: [] },
      projects: { 'proj-1': { projectNumber: '555', readers: [SA] }, 'proj-2': { projectNumber: '666', readers: [] } },
    });
    const clock = createInstantClock();
    const connector = createGcpConnector({ stsUrl: gcp.stsUrl, iamCredentialsUrl: gcp.iam.url, resourceManagerUrl: gcp.rm.url, env: {}, clock, random: halfRandom });
    const input = (overrides: Partial<GcpWifTestInput> = {}, token = 'jwt-good'): GcpWifTestInput => ({
      audience: AUDIENCE,
      serviceAccountEmail: SA,
      projectId: 'proj-1',
      subjectToken: async () => token,
      ...overrides,
    });
    const json = { 'content-type': 'application/json' };
    return {
      connector,
      world: {
        input: input(),
        projectNumber: '555',
        refusals: [
          { why: 'unknown pool provider', input: input({ audience: AUDIENCE.replace('gateways-pool', 'no-such-pool') }) },
          { why: 'subject token rejected by the attribute condition', input: input({}, 'jwt-unknown') },
          { why: 'service account not bound to the subject', input: input({ serviceAccountEmail: UNBOUND_SA }) },
          { why: 'service account may not read the project', input: input({ projectId: 'proj-2' }) },
        ],
      },
      sleeps: clock.sleeps,
      maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
      faults: {
        throttleNext: (seconds, times = 1) =>
          gcp.sts.fault({ times, status: 429, headers: { ...json, 'retry-after': String(seconds) }, body: JSON.stringify(googleApiError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded')) }),
        failNext: (times = 1) => gcp.sts.fault({ times, status: 503, headers: json, body: JSON.stringify(googleApiError(503, 'UNAVAILABLE', 'The service is currently unavailable.')) }),
      },
      close: () => gcp.close(),
    };
  },
});
