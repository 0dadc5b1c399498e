import { waitFor } from '../../../../test-support/wait.js';
import { describe, expect, it } from 'vitest';
import type { EngineError } from '../errors/index.js';
import { SEEDED_PLANS } from '../domain/plans.js';
import { createDnsTestbed } from '../testing/dns/dns-testbed.js';
import { engineError } from '../testing/engine-error.js';
import { RESOURCE_SECRET_AAD } from './provider-access.js';
import { createTestSecretBox } from '../testing/storage/index.js';

describe('dns.createZone', () => {
  it('creates a Route 53 zone through the linked AWS connection', async () => {
    const t = await createDnsTestbed();
    const connectionId = await t.linkAws();
    const res = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'production-dns', domainName: 'MyApp.com.', comment: 'Production DNS zone', positionX: '100', positionY: 200 });
    expect(res.message).toBe('DNS hosted zone created successfully');
    const zone = t.route53.zoneByDomain('myapp.com');
    expect(zone).not.toBeNull();
    expect(res.data).toEqual({
      id: expect.any(Number),
      name: 'production-dns',
      provider: 'route53',
      domainName: 'myapp.com',
      hostedZoneId: zone?.hostedZoneId,
      nameServers: zone?.nameServers,
      comment: 'Production DNS zone',
      status: 'active',
      position: { x: 100, y: 200 },
      metadata: { dns_active: false, adopted: false },
      createdAt: '2024-01-15T10:30:00.000Z',
      updatedAt: '2024-01-15T10:30:00.000Z',
      project: { id: t.project.id, slug: 'shop', name: 'shop' },
      environment: { id: expect.any(Number), slug: 'master', name: 'master' },
    });
    const stored = await t.storage.resources.getResource({ projectId: t.project.id, environmentId: res.data.environment.id }, res.data.id);
    expect(stored).toMatchObject({ region: 'global', cloudConnectionId: connectionId, resourceType: 'dns', resourceId: zone?.hostedZoneId, secretData: null });
    expect(t.aws.control.calls.map((c) => c.call)).toContain('AssumeRole');
  });

  it('imports a Cloudflare zone and seals the token; token wins over an AWS link', async () => {
    const t = await createDnsTestbed();
    await t.linkAws();
    const res = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'cf', domainName: 'shop.example', cloudflareApiToken: 'tok-123', comment: 'ignored' });
    const imported = t.cloudflare.zoneByDomain('shop.example');
    expect(res.data).toMatchObject({ provider: 'cloudflare', hostedZoneId: imported?.hostedZoneId, comment: null, position: null, nameServers: imported?.nameServers });
    expect(t.route53.zones()).toEqual([]);
    expect(JSON.stringify(res)).not.toContain('tok-123');
    const row = await t.storage.resources.getResource({ projectId: t.project.id, environmentId: res.data.environment.id }, res.data.id);
    expect(row?.secretData).not.toContain('tok-123');
    expect(createTestSecretBox().open(row?.secretData as string, RESOURCE_SECRET_AAD)).toBe('tok-123');
    expect(row?.cloudConnectionId).toBeNull();
    expect(t.route53.zoneByDomain('shop.example')).toBeNull();
  });

  it('Cloudflare failures: refused token → 400, no zone → 404', async () => {
    const t = await createDnsTestbed();
    const bad = await engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'cf', domainName: 'a.com', provider: 'cloudflare', cloudflareApiToken: 'invalid' }));
    expect(bad.toBody()).toEqual({ error: 'Invalid Cloudflare token', message: 'Cloudflare token verification failed: InvalidCredentials: These credentials are no longer accepted' });
    const missing = await engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'cf', domainName: 'shop.invalid', cloudflareApiToken: 't' }));
    expect(missing.toBody()).toEqual({ error: 'Cloudflare zone not found', message: 'No Cloudflare zone named shop.invalid is visible to this token' });
  });

  it('provider selection errors', async () => {
    const t = await createDnsTestbed();
    const body = { ...t.env, name: 'z', domainName: 'a.com' };
    expect((await engineError(t.engine.dns.createZone(t.owner, body))).error).toBe('DNS provider required');
    expect((await engineError(t.engine.dns.createZone(t.owner, { ...body, provider: 'route53' }))).error).toBe('No cloud connection');
    await t.linkAws({ status: 'pending' });
    expect((await engineError(t.engine.dns.createZone(t.owner, body))).error).toBe('DNS provider required');
    expect((await engineError(t.engine.dns.createZone(t.owner, { ...body, provider: 'route53' }))).message).toBe(
      'The cloud connection for this project is not active or not connected',
    );
    await t.linkAws({ provider: 'gcp' });
    expect((await engineError(t.engine.dns.createZone(t.owner, { ...body, provider: 'route53' }))).error).toBe('DNS provider required');
  });

  it('validates the body', async () => {
    const t = await createDnsTestbed();
    const v = async (body: Record<string, unknown>) => (await engineError(t.engine.dns.createZone(t.owner, { ...t.env, ...body } as never))).message;
    expect(await v({ domainName: 'a.com' })).toBe('name: required');
    expect(await v({ name: 'x'.repeat(101), domainName: 'a.com' })).toBe('name: must be at most 100 characters');
    expect(await v({ name: 'z', domainName: 'localhost' })).toBe('domainName: must be a valid domain name');
    expect(await v({ name: 'z', domainName: 'a.com', provider: 'gcp' })).toBe('provider: must be one of native, route53, cloudflare, clouddns, azuredns');
    expect(await v({ name: 'z', domainName: 'a.com', provider: 'cloudflare' })).toBe('cloudflareApiToken: required when provider is cloudflare');
    expect(await v({ name: 'z', domainName: 'a.com', positionX: 1 })).toBe('positionY: positionX and positionY must be given together');
    expect(await v({ name: 'z', domainName: 'a.com', positionX: 'abc', positionY: 1 })).toBe('positionX: must be a number');
    expect(await v({ name: 'z', domainName: 'a.com', comment: 'c'.repeat(257) })).toBe('comment: must be at most 256 characters');
  });

  it('pipeline order: 404 project, 404 environment, 403 flag, before the body', async () => {
    const t = await createDnsTestbed();
    expect((await engineError(t.engine.dns.createZone(t.owner, { projectSlug: 'nope', environmentSlug: 'master' } as never))).error).toBe('Project not found');
    expect((await engineError(t.engine.dns.createZone(t.owner, { projectSlug: 'shop', environmentSlug: 'nope' } as never))).error).toBe('Environment not found');
    const viewer = await t.addUser('v@example.com', 'viewer');
    expect((await engineError(t.engine.dns.createZone(viewer, { ...t.env } as never))).message).toBe(
      'You do not have permission to perform this action (requires canCreateResources)',
    );
    const stranger = await t.storage.users.createUser({ email: 's@example.com', name: null, now: t.clock.now() });
    expect((await engineError(t.engine.dns.createZone({ userId: stranger.id }, { ...t.env } as never))).message).toBe('You do not have access to this project');
    expect((await engineError(t.engine.dns.createZone(null, { ...t.env } as never))).error).toBe('Unauthorized');
  });

  it('plan limits and uniqueness are checked before the provider call', async () => {
    const t = await createDnsTestbed({ plan: 'free' });
    for (let i = 0; i < 5; i++) await t.engine.dns.createZone(t.owner, { ...t.env, name: `z${i}`, domainName: `d${i}.com`, cloudflareApiToken: 't' });
    t.cloudflare.resetCalls();
    const e = await engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'd9.com', cloudflareApiToken: 't' }));
    expect(e.toBody()).toEqual({
      error: 'Plan limit exceeded',
      message: 'You have reached the maximum number of resources (5) for your plan. Please upgrade to create more resources.',
      currentValue: 5,
      limit: 5,
      upgradeRequired: true,
    });
    expect(t.cloudflare.calls).toEqual([]);

    const u = await createDnsTestbed();
    await u.engine.dns.createZone(u.owner, { ...u.env, name: 'z', domainName: 'dup.com', cloudflareApiToken: 't' });
    u.cloudflare.resetCalls();
    const dup = await engineError(u.engine.dns.createZone(u.owner, { ...u.env, name: 'z2', domainName: 'DUP.com', cloudflareApiToken: 't' }));
    expect(dup.toBody()).toEqual({ error: 'DNS zone already exists', message: 'A DNS zone for dup.com already exists in this environment' });
    expect(u.cloudflare.calls).toEqual([]);
  });

  it('max_resources_per_project, and a limit reached during the provider call deletes the new Route 53 zone (403)', async () => {
    const restrictions = { ...SEEDED_PLANS[3]!.restrictions, max_resources: 10, max_resources_per_project: 1 };
    const t = await createDnsTestbed({ limits: { limitsFor: async () => restrictions } });
    await t.linkAws();
    t.route53.latencyMs = 20;
    const results = await Promise.allSettled([
      t.engine.dns.createZone(t.owner, { ...t.env, name: 'a', domainName: 'one.com' }),
      t.engine.dns.createZone(t.owner, { ...t.env, name: 'b', domainName: 'two.com' }),
    ]);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((lost.reason as EngineError).toBody()).toEqual({
      error: 'Plan limit exceeded',
      message: 'You have reached the maximum number of resources per project (1) for your plan. Please upgrade to create more resources.',
      currentValue: 1,
      limit: 1,
      upgradeRequired: true,
    });
    expect(t.route53.zones()).toHaveLength(1);
  });

  it('a lost race deletes the Route 53 zone it just created and answers 409', async () => {
    const t = await createDnsTestbed();
    await t.linkAws();
    t.route53.latencyMs = 20;
    const body = { ...t.env, name: 'z', domainName: 'race.com' };
    const results = await Promise.allSettled([t.engine.dns.createZone(t.owner, body), t.engine.dns.createZone(t.owner, body)]);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(((failed[0] as PromiseRejectedResult).reason as EngineError).error).toBe('DNS zone already exists');
    // Exactly one Route 53 zone survives: the loser's was deleted.
    const zones = t.route53.zones().filter((z) => z.domainName === 'race.com');
    expect(zones).toHaveLength(1);
  });

  it('a link changed during the provider call deletes the new zone and answers 400', async () => {
    const t = await createDnsTestbed();
    await t.linkAws();
    t.route53.latencyMs = 20;
    const pending = t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'moved.com' });
    // Unlink once the zone create is at the provider (it stays there for the 20 ms of latency).
    await waitFor(() => t.route53.calls.some((c) => c.call === 'createOrImportZone'), 'the zone create at the provider');
    await t.storage.projects.setProjectConnection({ projectId: t.project.id, connectionId: null, now: t.clock.now() });
    expect((await engineError(pending)).error).toBe('No cloud connection');
    expect(t.route53.zoneByDomain('moved.com')).toBeNull();
  });

  it('provider failures → 502 / 503 Failed to create/import hosted zone', async () => {
    const t = await createDnsTestbed();
    await t.linkAws();
    t.route53.failNext('createOrImportZone', { code: 'ServiceUnavailable', message: 'down', kind: 'transient' });
    const e = await engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'a.com' }));
    expect([e.code, e.error, e.message]).toEqual(['PROVIDER_FAILURE', 'Failed to create/import hosted zone', 'createOrImportZone failed: ServiceUnavailable: down']);
    t.route53.failNext('createOrImportZone', { code: 'Throttling', message: 'Rate exceeded', kind: 'throttled', retryAfter: 7 });
    const th = await engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'a.com' }));
    expect([th.code, th.retryAfter]).toEqual(['PROVIDER_UNAVAILABLE', 7]);
    t.route53.failNext('createOrImportZone', { code: 'InvalidDomainName', message: 'bad name', kind: 'invalid-input' });
    const iv = await engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'a.com' }));
    expect(iv.toBody()).toMatchObject({ error: 'Validation failed', message: 'createOrImportZone failed: InvalidDomainName: bad name' });
  });
});

describe('dns.listZones / getZone', () => {
  it('lists active zones of the environment in id order and gets one', async () => {
    const t = await createDnsTestbed();
    const a = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'a', domainName: 'a.com', cloudflareApiToken: 't' });
    const b = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'b', domainName: 'b.com', cloudflareApiToken: 't' });
    const list = await t.engine.dns.listZones(t.owner, t.env);
    expect(list.message).toBe('DNS zones retrieved successfully');
    expect(list.count).toBe(2);
    expect(list.data.map((z) => z.id)).toEqual([a.data.id, b.data.id]);
    expect(list.data[0]).not.toHaveProperty('project');
    const one = await t.engine.dns.getZone(t.owner, { ...t.env, id: String(a.data.id) });
    expect(one).toEqual({ message: 'DNS zone retrieved successfully', data: list.data[0] });
    expect((await engineError(t.engine.dns.getZone(t.owner, { ...t.env, id: 'abc' }))).toBody()).toEqual({
      error: 'Invalid DNS zone ID',
      message: 'DNS zone ID must be a positive integer',
    });
    expect((await engineError(t.engine.dns.getZone(t.owner, { ...t.env, id: 999 }))).error).toBe('DNS zone not found');
    await t.engine.resources.delete(t.owner, { ...t.env, resourceId: a.data.id, deleteFromCloud: 'false' });
    expect((await engineError(t.engine.dns.getZone(t.owner, { ...t.env, id: a.data.id }))).error).toBe('DNS zone not found');
    expect((await t.engine.dns.listZones(t.owner, t.env)).count).toBe(1);
  });
});
