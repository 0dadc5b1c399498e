import type { RetryPolicy } from '@cloudlink/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsConnector } from '../src/aws/index.js';
import type { AwsConnectorOptions } from '../src/aws/index.js';
import { failure } from './support.js';
import { NO_ANSWER, createFakeService, createInstantClock, halfRandom, listen, startFakeSts, stsErrorBody, type ListeningFake, type ListeningSts } from '@cloudlink/sandbox';

const PLATFORM = '999999999999';
const CUSTOMER = '123456789012';
const EXTERNAL_ID = '0123456789abcdef0123456789abcdef';
const platformCredentials = { accessKeyId: 'AKIAPLATFORM', secretAccessKey: 'platform-secret' };
const policy: RetryPolicy = { maxAttempts: 5, baseMs: 500, capMs: 8_000, maxRetryAfterSeconds: 20 };

let sts: ListeningSts;
beforeAll(async () => {
  sts = await startFakeSts({
    platformAccount: PLATFORM,
    platformAccessKeyId: platformCredentials.accessKeyId,
    roles: [
      { accountId: CUSTOMER, roleName: 'GatewaysAppDeployRole', trustedAccount: PLATFORM, externalId: EXTERNAL_ID },
      { accountId: '210987654321', roleName: 'GatewaysAppDeployRole', trustedAccount: PLATFORM },
      { accountId: '111111111111', roleName: 'GatewaysAppDeployRole', trustedAccount: PLATFORM, externalId: EXTERNAL_ID, reportedAccount: '222222222222' },
    ],
  });
});
afterAll(() => sts.close());

function connector(extra: Partial<AwsConnectorOptions> = {}) {
  const clock = createInstantClock();
  const aws = createAwsConnector({ endpoint: sts.url, region: 'us-east-1', credentials: platformCredentials, retryPolicy: policy, clock, random: halfRandom, ...extra });
  return { aws, clock };
}

const roleArn = (account: string) => `arn:aws:iam::${account}:role/GatewaysAppDeployRole`;

describe('createAwsConnector against a fake STS', () => {
  it('assumes the role with the ExternalId and reads the account with the assumed credentials', async () => {
    const { aws } = connector();
    const before = sts.requests.length;
    const creds = await aws.assumeRole({ roleArn: roleArn(CUSTOMER), externalId: EXTERNAL_ID, sessionName: 'cloudlink-7' });
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(creds.sessionToken).toBeTruthy();
    expect(creds.expiration).toBeInstanceOf(Date);
    const sent = new URLSearchParams(sts.requests[before]!.body);
    expect(Object.fromEntries(sent)).toMatchObject({ Action: 'AssumeRole', RoleArn: roleArn(CUSTOMER), ExternalId: EXTERNAL_ID, RoleSessionName: 'cloudlink-7', DurationSeconds: '3600' });
    expect(sts.requests[before]!.headers.authorization).toContain('Credential=AKIAPLATFORM/');

    const who = await aws.getCallerIdentity(creds);
    expect(who).toEqual({ account: CUSTOMER, arn: `arn:aws:sts::${CUSTOMER}:assumed-role/GatewaysAppDeployRole/cloudlink-7` });
    expect(sts.requests.at(-1)!.headers.authorization).toContain(`Credential=${creds.accessKeyId}/`);
  });

  it('reports the platform account when called without credentials', async () => {
    const { aws } = connector();
    await expect(aws.getCallerIdentity()).resolves.toEqual({ account: PLATFORM, arn: `arn:aws:iam::${PLATFORM}:user/cloudlink-platform` });
  });

  it('turns AccessDenied (wrong ExternalId) into a refusal without retrying', async () => {
    const { aws, clock } = connector();
    const before = sts.requests.length;
    const e = await failure(aws.assumeRole({ roleArn: roleArn(CUSTOMER), externalId: 'ffffffffffffffffffffffffffffffff', sessionName: 's' }));
    expect(e.kind).toBe('refused');
    expect(e.call).toBe('AssumeRole');
    expect(e.providerCode).toBe('AccessDenied');
    expect(e.status).toBe(403);
    expect(e.message).toBe(`AssumeRole failed: AccessDenied: User: arn:aws:iam::${PLATFORM}:user/cloudlink-platform is not authorized to perform: sts:AssumeRole on resource: ${roleArn(CUSTOMER)}`);
    expect(sts.requests.length - before).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('refuses AssumeRole without ExternalId when the trust policy requires it', async () => {
    const { aws } = connector();
    const e = await failure(aws.assumeRole({ roleArn: roleArn(CUSTOMER), sessionName: 's' }));
    expect(e.kind).toBe('refused');
    expect(e.providerCode).toBe('AccessDenied');
    expect(new URLSearchParams(sts.requests.at(-1)!.body).has('ExternalId')).toBe(false);
  });

  it('returns credentials when the trust policy does not require the ExternalId (the engine decides)', async () => {
    const { aws } = connector();
    const creds = await aws.assumeRole({ roleArn: roleArn('210987654321'), sessionName: 's' });
    expect(creds.accessKeyId).toMatch(/^ASIA/);
  });

  it('passes through the account GetCallerIdentity reports, even when it is another one', async () => {
    const { aws } = connector();
    const creds = await aws.assumeRole({ roleArn: roleArn('111111111111'), externalId: EXTERNAL_ID, sessionName: 's' });
    expect((await aws.getCallerIdentity(creds)).account).toBe('222222222222');
  });

  it('classifies rejected platform credentials as platform, not retried', async () => {
    const { aws, clock } = connector({ credentials: { accessKeyId: 'AKIAREVOKED', secretAccessKey: 'x' } });
    const before = sts.requests.length;
    const e = await failure(aws.assumeRole({ roleArn: roleArn(CUSTOMER), externalId: EXTERNAL_ID, sessionName: 's' }));
    expect(e.kind).toBe('platform');
    expect(e.message).toBe('AssumeRole failed: InvalidClientTokenId: The security token included in the request is invalid.');
    expect(sts.requests.length - before).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('classifies missing platform credentials as platform without calling STS', async () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const { aws } = connector({ credentials: () => Promise.reject(missing) });
    const before = sts.requests.length;
    const e = await failure(aws.getCallerIdentity());
    expect(e.kind).toBe('platform');
    expect(e.message).toBe('GetCallerIdentity failed: MissingPlatformCredentials: Could not load credentials from any providers');
    expect(sts.requests.length).toBe(before);
  });

  it("AssumeRoleWithWebIdentity: STS's refusals of the token are verdicts under the SDK's exception names; an unreachable issuer is not", async () => {
    const { aws } = connector();
    const input = { roleArn: roleArn(CUSTOMER), webIdentityToken: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', sessionName: 's' };
    for (const code of ['InvalidIdentityToken', 'IDPRejectedClaim', 'AccessDenied']) {
      sts.fault({ times: 1, status: code === 'AccessDenied' ? 403 : 400, body: stsErrorBody('Sender', code, 'refused') });
      expect(await failure(aws.assumeRoleWithWebIdentity(input))).toMatchObject({ kind: 'refused', call: 'AssumeRoleWithWebIdentity' });
    }
    sts.fault({ times: 5, status: 400, body: stsErrorBody('Sender', 'IDPCommunicationError', "Couldn't retrieve verification key from your identity provider") });
    expect(await failure(aws.assumeRoleWithWebIdentity(input))).toMatchObject({ kind: 'transient', providerCode: 'IDPCommunicationErrorException' });
  });

  it('retries 5xx with jittered backoff, then gives up as transient', async () => {
    const { aws, clock } = connector();
    const before = sts.requests.length;
    sts.fault({ times: 5, status: 500, headers: { 'content-type': 'text/xml' }, body: stsErrorBody('Receiver', 'InternalFailure', 'internal failure') });
    const e = await failure(aws.getCallerIdentity());
    expect(e.kind).toBe('transient');
    expect(e.message).toBe('GetCallerIdentity failed: InternalFailure: internal failure');
    expect(sts.requests.length - before).toBe(5);
    expect(clock.sleeps).toEqual([250, 500, 1000, 2000]);
  });

  it('succeeds when a 5xx clears before the budget is spent', async () => {
    const { aws } = connector();
    const before = sts.requests.length;
    sts.fault({ times: 2, status: 503, body: stsErrorBody('Receiver', 'ServiceUnavailable', 'try later') });
    await expect(aws.getCallerIdentity()).resolves.toMatchObject({ account: PLATFORM });
    expect(sts.requests.length - before).toBe(3);
  });

  it('retries Throttling after the provider Retry-After, then reports throttled with it', async () => {
    const { aws, clock } = connector();
    sts.fault({ times: 5, status: 400, headers: { 'retry-after': '3' }, body: stsErrorBody('Sender', 'Throttling', 'Rate exceeded') });
    const e = await failure(aws.assumeRole({ roleArn: roleArn(CUSTOMER), externalId: EXTERNAL_ID, sessionName: 's' }));
    expect(e.kind).toBe('throttled');
    expect(e.retryAfter).toBe(3);
    expect(e.message).toBe('AssumeRole failed: Throttling: Rate exceeded');
    expect(clock.sleeps).toEqual([3000, 3000, 3000, 3000]);
  });

  it('stops retrying at once when Retry-After exceeds 20 s', async () => {
    const { aws, clock } = connector();
    sts.fault({ status: 429, headers: { 'retry-after': '60' }, body: stsErrorBody('Sender', 'Throttling', 'Rate exceeded') });
    const e = await failure(aws.getCallerIdentity());
    expect(e.kind).toBe('throttled');
    expect(e.retryAfter).toBe(60);
    expect(clock.sleeps).toEqual([]);
  });

  it('times out a slow STS as transient after each attempt', async () => {
    const { aws, clock } = connector({ timeoutMs: 150, retryPolicy: { ...policy, maxAttempts: 2 } });
    sts.fault({ times: 2, delayMs: 1_000 });
    const started = Date.now();
    const e = await failure(aws.getCallerIdentity());
    expect(e.kind).toBe('transient');
    expect(e.message).toBe('GetCallerIdentity failed: Timeout: no answer within 150 ms');
    expect(clock.sleeps).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('reports an unreachable endpoint as transient', async () => {
    const dead = await listen(createFakeService(() => NO_ANSWER));
    await dead.close();
    const { aws } = connector({ endpoint: dead.url, retryPolicy: { ...policy, maxAttempts: 1 } });
    const e = await failure(aws.getCallerIdentity());
    expect(e.kind).toBe('transient');
    expect(e.providerCode).toBe('ECONNREFUSED');
  });

  it('does not follow a redirect', async () => {
    const targetFake = createFakeService(() => ({ status: 200 }));
    let target: ListeningFake | undefined;
    try {
      target = await listen(targetFake);
      const targetUrl = target.url;
      sts.fault({ status: 307, headers: { location: `${targetUrl}/` } });
      const { aws } = connector({ retryPolicy: { ...policy, maxAttempts: 1 } });
      const e = await failure(aws.getCallerIdentity());
      expect(e.kind).toBe('transient');
      expect(e.status).toBe(307);
      expect(targetFake.requests).toHaveLength(0);
    } finally {
      await target?.close();
    }
  });

  it('rethrows the caller abort instead of classifying it', async () => {
    const { aws } = connector();
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    await expect(aws.getCallerIdentity(undefined, { signal: controller.signal })).rejects.toThrow('caller gave up');
  });
});
