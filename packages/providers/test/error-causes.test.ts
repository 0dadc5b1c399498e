import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isProviderCallError } from '@cloudlink/engine';
import { createRoute53Provider } from '../src/aws/route53/index.js';
import { createAwsConnector } from '../src/aws/sts/index.js';
import { createInstantClock, halfRandom, startFakeRoute53, startFakeSts, type ListeningRoute53, type ListeningSts } from '@cloudlink/sandbox';

/**
 * A ProviderCallError travels far (engine errors keep it as `cause`, hosts log causes): it must not
 * carry the SDK's request, whose signed headers hold temporary credentials.
 */
describe('provider errors carry no credentials', () => {
  const secrets = { accessKeyId: 'ASIALEAKCHECKKEYID01', secretAccessKey: 'leak-check-secret-access-key', sessionToken: 'LEAKCHECKSESSIONTOKEN' };
  let route53: ListeningRoute53 | undefined;
  let sts: ListeningSts | undefined;
  afterEach(async () => {
    await route53?.close();
    await sts?.close();
  });

  const expectNoSecret = (e: unknown) => {
    expect(isProviderCallError(e)).toBe(true);
    const seen = inspect(e, { depth: 20, showHidden: true });
    for (const secret of Object.values(secrets)) expect(seen).not.toContain(secret);
  };

  it('Route 53', async () => {
    route53 = await startFakeRoute53();
    const session = createRoute53Provider({ endpoint: route53.url, clock: createInstantClock(), random: halfRandom, timeoutMs: 2_000 }).session({ provider: 'route53', credentials: secrets });
    route53.failNext('GetHostedZone', { status: 400, code: 'InvalidInput', message: 'bad id' });
    expectNoSecret(await session.getZone('Z1').catch((e: unknown) => e));
  });

  it('STS', async () => {
    // The platform key is another one, so the fake refuses these credentials (InvalidClientTokenId).
    sts = await startFakeSts({ platformAccount: '999999999999', platformAccessKeyId: 'AKIDPLATFORM' });
    const connector = createAwsConnector({ endpoint: sts.url, region: 'us-east-1', credentials: secrets, clock: createInstantClock(), random: halfRandom, timeoutMs: 2_000 });
    expectNoSecret(await connector.getCallerIdentity(secrets).catch((e: unknown) => e));
    expectNoSecret(await connector.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/Nope', externalId: 'x', sessionName: 's' }).catch((e: unknown) => e));
  });
});
