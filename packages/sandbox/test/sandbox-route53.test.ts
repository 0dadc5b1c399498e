import { describe, expect, it } from 'vitest';
import { awsAliasTarget, isProviderCallError } from '@cloudlink/engine';
import type { DnsSession, RecordChange, ZoneInfo } from '@cloudlink/engine';
import { createSandboxProviders } from '../src/index.js';

const EXTERNAL_ID = '0123456789abcdef0123456789abcdef';

/** A Route 53 session with the credentials the sandbox's STS issues for a customer role. */
async function route53Session(sandbox = createSandboxProviders()): Promise<{ session: DnsSession; sandbox: typeof sandbox }> {
  const credentials = await sandbox.providers.aws.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/GatewaysAppDeployRole', sessionName: 's', externalId: EXTERNAL_ID });
  const route53 = sandbox.providers.dns?.route53;
  if (!route53) throw new Error('no route53');
  return { session: route53.session({ provider: 'route53', credentials }), sandbox };
}

const a = (name: string, value: string): RecordChange => ({ action: 'UPSERT', recordSet: { name, type: 'A', ttl: 300, values: [value] } });

describe('sandbox Route 53 runs the real provider against the fake', () => {
  it('splits 2 500 upserts into the batches Route 53 accepts: 5 ChangeResourceRecordSets calls at the fake', async () => {
    const { session, sandbox } = await route53Session();
    const zone = await session.createOrImportZone({ domainName: 'example.com', callerReference: 'ref-1' });
    const changes = Array.from({ length: 2500 }, (_, i) => a(`h${i}.example.com.`, `192.0.2.${i % 250}`));
    const outcomes = await session.applyChanges(zone, changes);
    expect(outcomes).toHaveLength(2500);
    // UPSERT counts twice against the 1 000-element limit: 500 changes per call.
    expect(sandbox.fakes.route53.counts.ChangeResourceRecordSets).toBe(5);
    expect(sandbox.fakes.route53.recordSets(zone.hostedZoneId)).toHaveLength(2502);
  });

  it("a change the fake refuses comes back through the real provider's error mapping", async () => {
    const { session, sandbox } = await route53Session();
    const zone: ZoneInfo = await session.createOrImportZone({ domainName: 'example.com', callerReference: 'ref-2' });
    await session.applyChanges(zone, [a('www.example.com.', '192.0.2.1')]);
    const error = await session
      .applyChanges(zone, [{ action: 'DELETE', recordSet: { name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.99'] } }])
      .then(() => undefined, (e: unknown) => e);
    expect(isProviderCallError(error)).toBe(true);
    expect(error).toMatchObject({ providerCode: 'InvalidChangeBatch', kind: 'invalid-input' });
    expect((error as Error).message).toContain('the values provided do not match the current values');
    expect(sandbox.fakes.route53.recordSets(zone.hostedZoneId).map((s) => s.name)).toContain('www.example.com.');
  });

  it('refuses the documented account id, and a role without the ExternalId', async () => {
    const { providers } = createSandboxProviders();
    const refused = (roleArn: string, externalId?: string) =>
      providers.aws.assumeRole({ roleArn, sessionName: 's', ...(externalId ? { externalId } : {}) }).then(() => undefined, (e: unknown) => e);
    expect(await refused('arn:aws:iam::000000000000:role/GatewaysAppDeployRole', EXTERNAL_ID)).toMatchObject({ providerCode: 'AccessDenied', kind: 'refused' });
    expect(await refused('arn:aws:iam::123456789012:role/GatewaysAppDeployRole')).toMatchObject({ providerCode: 'AccessDenied', kind: 'refused' });
  });

  it('GetCallerIdentity reports the assumed account, and the platform account for the platform', async () => {
    const { providers } = createSandboxProviders({ platformAccountId: '111122223333' });
    const creds = await providers.aws.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/R', sessionName: 's', externalId: EXTERNAL_ID });
    expect((await providers.aws.getCallerIdentity(creds)).account).toBe('123456789012');
    expect((await providers.aws.getCallerIdentity()).account).toBe('111122223333');
  });

  it('the resolver answers TXT written through the provider; snapshot and restore carry the zone', async () => {
    const { session, sandbox } = await route53Session();
    const zone = await session.createOrImportZone({ domainName: 'example.com', callerReference: 'ref-3' });
    await session.applyChanges(zone, [{ action: 'UPSERT', recordSet: { name: '_verify.example.com.', type: 'TXT', ttl: 300, values: ['"hello sandbox"'] } }]);
    expect(await sandbox.resolver.resolveTxt('_verify.example.com')).toEqual([['hello sandbox']]);

    const copy = createSandboxProviders();
    copy.restore(JSON.parse(JSON.stringify(sandbox.snapshot())));
    expect(await copy.resolver.resolveTxt('_verify.example.com')).toEqual([['hello sandbox']]);
    const again = await route53Session(copy);
    expect(await again.session.getZone(zone.hostedZoneId)).toMatchObject({ domainName: 'example.com' });
  });

  it("accepts an alias to any endpoint the engine knows, with the engine's zone id, and refuses another id as Route 53 does", async () => {
    const { session, sandbox } = await route53Session();
    const zone = await session.createOrImportZone({ domainName: 'example.com', callerReference: 'ref-4' });
    const alias = (name: string, dnsName: string, hostedZoneId: string): RecordChange => ({
      action: 'UPSERT',
      recordSet: { name, type: 'A', ttl: null, values: [dnsName], alias: { hostedZoneId, dnsName, evaluateTargetHealth: false } },
    });
    // Regions outside the few the fake once listed for itself: the engine's table is the fake's.
    const endpoints = ['my-alb-1.ap-south-1.elb.amazonaws.com.', 'my-nlb-1.elb.sa-east-1.amazonaws.com.', 'site.s3-website.eu-west-3.amazonaws.com.'];
    const changes = endpoints.map((dnsName, i) => {
      const target = awsAliasTarget(dnsName);
      if (!target.ok) throw new Error(`engine does not know ${dnsName}`);
      return alias(`a${i}.example.com.`, dnsName, target.hostedZoneId);
    });
    await session.applyChanges(zone, changes);
    expect(sandbox.fakes.route53.recordSets(zone.hostedZoneId).filter((s) => s.aliasTarget).map((s) => s.aliasTarget?.hostedZoneId)).toEqual([
      'ZP97RAFLXTNZK',
      'ZTK26PT1VY4CU',
      'Z3R1K369G5AVDG',
    ]);

    // The us-east-1 load balancers' zone for an ap-south-1 load balancer.
    const error = await session
      .applyChanges(zone, [alias('wrong.example.com.', endpoints[0]!, 'Z35SXDOTRQ7X7K')])
      .then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ providerCode: 'InvalidChangeBatch', kind: 'invalid-input' });
    expect((error as Error).message).toContain(
      'Tried to create an alias that targets my-alb-1.ap-south-1.elb.amazonaws.com., type A in zone Z35SXDOTRQ7X7K, but the alias target name does not lie within the target zone',
    );
  });
});
