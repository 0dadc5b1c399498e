import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DEFAULT_RETRY_POLICY } from '../../retry/retry.js';
import type { FaultControl, MemoryRetryOptions } from '../memory-faults.js';
import { describeAwsConnectorConformance, describeAzureConnectorConformance, describeGcpConnectorConformance } from './conformance/index.js';
import { createMemoryAwsConnector } from './memory-aws.js';
import { createMemoryAzureConnector, MEMORY_AZURE_SUBSCRIPTION_NAME } from './memory-azure.js';
import { createMemoryGcpConnector } from './memory-gcp.js';

/** Retries like a real connector's, with the waits recorded instead of slept; faults on whatever call comes next. */
function underTest(): { retry: MemoryRetryOptions; sleeps: number[]; faults: (control: FaultControl) => { throttleNext(seconds: number, times?: number): void; failNext(times?: number): void } } {
  const sleeps: number[] = [];
  return {
    retry: { retryPolicy: DEFAULT_RETRY_POLICY, clock: { sleep: async (ms) => void sleeps.push(ms) } },
    sleeps,
    faults: (control) => ({
      throttleNext: (retryAfter, times = 1) => control.failNext('*', { code: 'Throttling', message: 'Rate exceeded', kind: 'throttled', retryAfter }, { times }),
      failNext: (times = 1) => control.failNext('*', { code: 'ServiceUnavailable', message: 'down for the test', kind: 'transient' }, { times }),
    }),
  };
}

describeAwsConnectorConformance({
  name: 'memory',
  create: async () => {
    const { retry, sleeps, faults } = underTest();
    const role = { roleArn: 'arn:aws:iam::123456789012:role/cloudlink', externalId: 'a'.repeat(32), accountId: '123456789012' };
    const connector = createMemoryAwsConnector({ ...retry, platformAccountId: '999999999999', roles: [role] });
    return { connector, world: { platformAccountId: '999999999999', role }, sleeps, faults: faults(connector.control), maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds };
  },
});

describeGcpConnectorConformance({
  name: 'memory',
  create: async () => {
    const { retry, sleeps, faults } = underTest();
    const issuer = 'https://cloudlink.test/api';
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const connector = createMemoryGcpConnector({ ...retry, issuer, jwks: async () => ({ keys: [jwk] }) });
    const pool = (id: string) => `//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/${id}/providers/cloudlink`;
    const token = (audience: string, issuedBy = issuer) => () =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuedBy).setAudience(audience).setSubject('workspace:1:connection:2').setIssuedAt().setExpirationTime('5m').sign(privateKey);
    const input = { audience: pool('cloudlink-pool'), serviceAccountEmail: 'cloudlink@my-project.iam.gserviceaccount.com', projectId: 'my-project', subjectToken: token(pool('cloudlink-pool')) };
    return {
      connector,
      world: {
        input,
        projectNumber: '123456789',
        refusals: [
          { why: 'a pool whose attribute condition refuses us', input: { ...input, audience: pool('denied-pool'), subjectToken: token(pool('denied-pool')) } },
          { why: 'a token from another issuer', input: { ...input, subjectToken: token(input.audience, 'https://elsewhere.test') } },
        ],
      },
      sleeps,
      faults: faults(connector.control),
      maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
    };
  },
});

describeAzureConnectorConformance({
  name: 'memory',
  create: async () => {
    const { retry, sleeps, faults } = underTest();
    const connector = createMemoryAzureConnector(retry);
    const credentials = {
      tenantId: '11111111-1111-4111-8111-111111111111',
      subscriptionId: '33333333-3333-4333-8333-333333333333',
      clientId: '22222222-2222-4222-8222-222222222222',
      clientSecret: 'secret',
    };
    return {
      connector,
      world: { credentials, displayName: MEMORY_AZURE_SUBSCRIPTION_NAME, refusals: [{ why: 'the client secret it refuses', input: { ...credentials, clientSecret: 'invalid' } }] },
      sleeps,
      faults: faults(connector.control),
      maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
    };
  },
});
