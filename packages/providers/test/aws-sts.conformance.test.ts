import { describeAwsConnectorConformance } from '@cloudlink/engine/testing';
import { DEFAULT_RETRY_POLICY } from '@cloudlink/engine';
import { createAwsConnector } from '../src/aws/index.js';
import { createInstantClock, halfRandom, startFakeSts, stsErrorBody } from '@cloudlink/sandbox';

const PLATFORM = '999999999999';
const CUSTOMER = '123456789012';
const EXTERNAL_ID = '0123456789abcdef0123456789abcdef';
const ROLE_ARN = `arn:aws:iam::${CUSTOMER}:role/GatewaysAppDeployRole`;

describeAwsConnectorConformance({
  name: 'real STS connector, STS HTTP fake',
  create: async () => {
    const sts = await startFakeSts({
      platformAccount: PLATFORM,
      platformAccessKeyId: 'AKIAPLATFORM',
      roles: [{ accountId: CUSTOMER, roleName: 'GatewaysAppDeployRole', trustedAccount: PLATFORM, externalId: EXTERNAL_ID }],
    });
    const clock = createInstantClock();
    const connector = createAwsConnector({
      endpoint: sts.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAPLATFORM', secretAccessKey: 'platform-secret' },
      clock,
      random: halfRandom,
    });
    return {
      connector,
      world: { platformAccountId: PLATFORM, role: { roleArn: ROLE_ARN, externalId: EXTERNAL_ID, accountId: CUSTOMER } },
      sleeps: clock.sleeps,
      maxRetryAfterSeconds: DEFAULT_RETRY_POLICY.maxRetryAfterSeconds,
      faults: {
        throttleNext: (seconds, times = 1) =>
          sts.fault({ times, status: 400, headers: { 'content-type': 'text/xml', 'retry-after': String(seconds) }, body: stsErrorBody('Sender', 'Throttling', 'Rate exceeded') }),
        failNext: (times = 1) => sts.fault({ times, status: 503, headers: { 'content-type': 'text/xml' }, body: stsErrorBody('Receiver', 'ServiceUnavailable', 'Service unavailable') }),
      },
      close: () => sts.close(),
    };
  },
});
