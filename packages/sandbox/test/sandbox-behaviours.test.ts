import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import type { DnsProvider, DnsSession, RecordSet } from '@cloudlink/engine';
import { createSandboxProviders, upgradeSandboxState } from '../src/index.js';

const fail = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
const cloudflareOf = (s: ReturnType<typeof createSandboxProviders>): DnsProvider => s.providers.dns?.cloudflare as DnsProvider;

describe('the documented sandbox behaviours, through the real providers', () => {
  it('Cloudflare: a zone for every domain but .invalid ones; the token `invalid` is refused', async () => {
    const sandbox = createSandboxProviders();
    const session = cloudflareOf(sandbox).session({ provider: 'cloudflare', apiToken: 'sandbox-token' });
    const zone = await session.createOrImportZone({ domainName: 'example.org', callerReference: 'x' });
    expect(zone.domainName).toBe('example.org');
    await session.applyChanges(zone, [{ action: 'UPSERT', recordSet: { name: 'blog.example.org.', type: 'CNAME', ttl: 1, values: ['example.org.'] } }]);
    expect(await session.getRecordSet(zone, 'blog.example.org.', 'CNAME')).toMatchObject({ values: ['example.org.'] });
    expect(await fail(session.createOrImportZone({ domainName: 'shop.invalid', callerReference: 'y' }))).toMatchObject({ kind: 'not-found' });
    const refused = cloudflareOf(sandbox).session({ provider: 'cloudflare', apiToken: 'invalid' });
    expect(await fail(refused.createOrImportZone({ domainName: 'example.org', callerReference: 'z' }))).toMatchObject({ kind: 'unauthorized' });
  });

  it('Azure: any GUIDs work; client secret `invalid` is refused', async () => {
    const { providers } = createSandboxProviders();
    const ids = { tenantId: '11111111-1111-4111-8111-111111111111', subscriptionId: '22222222-2222-4222-8222-222222222222', clientId: '33333333-3333-4333-8333-333333333333' };
    expect(await providers.azure.getSubscription({ ...ids, clientSecret: 'sandbox-secret' })).toMatchObject({ subscriptionId: ids.subscriptionId, displayName: 'Sandbox subscription' });
    // The connector scrubs the secret from everything it reports, so with the secret `invalid` the code reads `[REDACTED]_client`.
    expect(await fail(providers.azure.getSubscription({ ...ids, clientSecret: 'invalid' }))).toMatchObject({ status: 401, kind: 'refused' });
  });

  it('GCP: STS verifies our token against our JWKS; pool `denied-pool` is refused', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const issuer = 'http://localhost:3000/api';
    const { providers } = createSandboxProviders({ oidc: { issuer, jwks: () => ({ keys: [jwk] }) } });
    const audience = (pool: string) => `//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/${pool}/providers/gateways-oidc`;
    const token = (aud: string, iss = issuer) =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(iss).setAudience(aud).setSubject('workspace:1:connection:2').setIssuedAt().setExpirationTime('5m').sign(privateKey);
    const input = (pool: string, iss?: string) => ({
      projectId: 'shop-prod-1',
      audience: audience(pool),
      serviceAccountEmail: 'sa@shop-prod-1.iam.gserviceaccount.com',
      subjectToken: () => token(audience(pool), iss),
    });
    expect(await providers.gcp.testWorkloadIdentity(input('gateways-pool'))).toEqual({ projectId: 'shop-prod-1', projectNumber: '123456789012' });
    expect(await fail(providers.gcp.testWorkloadIdentity(input('denied-pool')))).toMatchObject({ providerCode: 'invalid_grant', kind: 'refused' });
    expect(await fail(providers.gcp.testWorkloadIdentity(input('gateways-pool', 'https://someone-else.example')))).toMatchObject({ providerCode: 'invalid_grant', kind: 'refused' });
  });

  it("GCP: a project the setup script was run for admits its workspace's subjects (attribute condition) and impersonates for the bound subject only", async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const issuer = 'http://localhost:3000/api';
    const { providers, fakes } = createSandboxProviders({ oidc: { issuer, jwks: () => ({ keys: [jwk] }) } });
    const wif = { projectNumber: '123456789012', poolId: 'gateways-pool', providerId: 'gateways-oidc', serviceAccountEmail: 'sa@shop-prod-1.iam.gserviceaccount.com' };
    const audience = `//iam.googleapis.com/projects/${wif.projectNumber}/locations/global/workloadIdentityPools/${wif.poolId}/providers/${wif.providerId}`;
    const input = (sub: string) => ({
      projectId: 'shop-prod-1',
      audience,
      serviceAccountEmail: wif.serviceAccountEmail,
      subjectToken: () => new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience(audience).setSubject(sub).setIssuedAt().setExpirationTime('5m').sign(privateKey),
    });
    // Before the script: the open world.
    expect(await providers.gcp.testWorkloadIdentity(input('workspace:9:connection:9'))).toMatchObject({ projectNumber: wif.projectNumber });
    fakes.gcpWorld.runSetupScript({ ...wif, subject: 'workspace:1:connection:2' });
    expect(await providers.gcp.testWorkloadIdentity(input('workspace:1:connection:2'))).toMatchObject({ projectNumber: wif.projectNumber });
    expect(await fail(providers.gcp.testWorkloadIdentity(input('workspace:9:connection:9')))).toMatchObject({ providerCode: 'invalid_grant', kind: 'refused' });
    expect(await fail(providers.gcp.testWorkloadIdentity(input('workspace:1:connection:3')))).toMatchObject({ status: 403, call: 'generateAccessToken', kind: 'refused' });
    // The script run for connection 3 binds it too.
    fakes.gcpWorld.runSetupScript({ ...wif, subject: 'workspace:1:connection:3' });
    expect(await providers.gcp.testWorkloadIdentity(input('workspace:1:connection:3'))).toMatchObject({ projectNumber: wif.projectNumber });
  });

  it('Azure federation: Entra verifies our assertion against our JWKS; an app trusts only the first subject it verified', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const issuer = 'http://localhost:3000/api';
    let jwksReads = 0;
    const { providers } = createSandboxProviders({ oidc: { issuer, jwks: () => (jwksReads++, { keys: [jwk] }) } });
    const assertion = (sub: string, iss = issuer) => () =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(iss).setAudience('api://AzureADTokenExchange').setSubject(sub).setIssuedAt().setExpirationTime('10m').sign(privateKey);
    const app = (clientId: string) => ({ tenantId: '11111111-1111-4111-8111-111111111111', subscriptionId: '22222222-2222-4222-8222-222222222222', clientId });
    const x = app('33333333-3333-4333-8333-333333333333');
    const y = app('44444444-4444-4444-8444-444444444444');
    expect(await providers.azure.getSubscription({ ...x, clientAssertion: assertion('workspace:1:connection:2') })).toMatchObject({ displayName: 'Sandbox subscription' });
    const other = await fail(providers.azure.getToken({ ...x, clientAssertion: assertion('workspace:1:connection:3') }));
    expect(other).toMatchObject({ kind: 'refused', providerCode: 'invalid_client', message: expect.stringContaining('AADSTS70021') });
    expect(await providers.azure.getToken({ ...y, clientAssertion: assertion('workspace:1:connection:3') })).toMatchObject({ token: expect.any(String) });
    expect(await fail(providers.azure.getToken({ ...y, clientAssertion: assertion('workspace:1:connection:3', 'https://someone-else.example') }))).toMatchObject({ kind: 'refused' });
    // The key set was read once (through the discovery document) and cached.
    expect(jwksReads).toBe(1);
  });

  it('alias sets and proxied records survive a save and load of the state, as written', async () => {
    const sandbox = createSandboxProviders();
    const creds = await sandbox.providers.aws.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/R', sessionName: 's', externalId: '0123456789abcdef0123456789abcdef' });
    const route53 = (s: typeof sandbox) => s.providers.dns?.route53?.session({ provider: 'route53', credentials: creds }) as DnsSession;
    const zone = await route53(sandbox).createOrImportZone({ domainName: 'example.com', callerReference: 'saved' });
    const alias: RecordSet = {
      name: 'example.com.',
      type: 'A',
      ttl: null,
      values: ['my-alb-1.us-east-1.elb.amazonaws.com.'],
      alias: { hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: 'my-alb-1.us-east-1.elb.amazonaws.com.', evaluateTargetHealth: true },
    };
    await route53(sandbox).applyChanges(zone, [{ action: 'UPSERT', recordSet: alias }]);
    const cf = (s: typeof sandbox) => cloudflareOf(s).session({ provider: 'cloudflare', apiToken: 't' });
    const cfZone = await cf(sandbox).createOrImportZone({ domainName: 'example.org', callerReference: 'x' });
    const proxied: RecordSet = { name: 'www.example.org.', type: 'CNAME', ttl: 300, values: ['example.org.'], proxied: true };
    await cf(sandbox).applyChanges(cfZone, [{ action: 'UPSERT', recordSet: proxied }]);

    // What sandbox mode does with sandbox.json: serialise, then load into a fresh sandbox.
    const loaded = createSandboxProviders();
    loaded.restore(upgradeSandboxState(JSON.parse(JSON.stringify(sandbox.snapshot()))));
    expect(await route53(loaded).getRecordSet(zone, 'example.com.', 'A')).toMatchObject({ ttl: null, values: alias.values, alias: alias.alias });
    expect(await route53(loaded).findZonesByName?.('example.com')).toEqual([{ info: zone, callerReference: 'saved' }]);
    expect(await cf(loaded).getRecordSet(cfZone, proxied.name, 'CNAME')).toMatchObject({ ttl: 1, values: proxied.values, proxied: true });
  });

  it('a version 1 sandbox.json (the former stand-ins) is upgraded: its zones and records are read back', async () => {
    const v1 = {
      version: 1,
      route53: {
        counter: 1,
        zones: [{ id: 'Z0000000000001', name: 'example.com', callerReference: 'ref', comment: null, nameServers: ['ns-1.awsdns-1.com'], recordSets: [
          { name: 'example.com.', type: 'NS', ttl: 172800, values: ['ns-1.awsdns-1.com.'] },
          { name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.10'] },
        ] }],
      },
      cloudflare: {
        counter: 2,
        zones: [{ id: '0'.repeat(31) + '1', name: 'example.org', nameServers: ['ada.ns.cloudflare.com'], entries: [
          { id: '0'.repeat(31) + '2', name: 'example.org.', type: 'MX', ttl: 1, value: '10 mail.example.org.' },
        ] }],
      },
      resolver: { records: {} },
    };
    const sandbox = createSandboxProviders();
    sandbox.restore(upgradeSandboxState(v1));
    const creds = await sandbox.providers.aws.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/R', sessionName: 's', externalId: '0123456789abcdef0123456789abcdef' });
    const r53 = sandbox.providers.dns?.route53?.session({ provider: 'route53', credentials: creds });
    const zone = await r53?.getZone('Z0000000000001');
    expect(zone).toMatchObject({ domainName: 'example.com' });
    expect(await r53?.getRecordSet(zone!, 'www.example.com.', 'A')).toMatchObject({ values: ['192.0.2.10'] });
    const cf = cloudflareOf(sandbox).session({ provider: 'cloudflare', apiToken: 't' });
    const cfZone = await cf.getZone('0'.repeat(31) + '1');
    expect(await cf.getRecordSet(cfZone!, 'example.org.', 'MX')).toMatchObject({ values: ['10 mail.example.org.'] });
  });
});
