import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test-support/wait.js';
import { createDnsTestbed } from '../testing/dns/dns-testbed.js';
import { engineError } from '../testing/engine-error.js';

/** Adopting an existing Route 53 hosted zone in `POST …/dns` (docs/records.md#adopting-an-existing-hosted-zone), on the memory providers. */

describe('dns.createZone adopts an existing Route 53 hosted zone', () => {
  it('one foreign zone for the domain: imported with its id and name servers, no CreateHostedZone; its records stay foreign', async () => {
    const t = await createDnsTestbed();
    await t.linkAws();
    const existing = t.route53.addExistingZone('myapp.com', { callerReference: 'console-2019' });
    t.route53.putRecordSet(existing.hostedZoneId, { name: 'www.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.1'] });
    t.route53.resetCalls();
    const res = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com', comment: 'not sent' });
    expect(res.message).toBe('DNS hosted zone created successfully');
    expect(res.data).toMatchObject({ hostedZoneId: existing.hostedZoneId, nameServers: existing.nameServers, comment: null, metadata: { dns_active: false, adopted: true } });
    expect(t.route53.calls.map((c) => c.call)).not.toContain('createOrImportZone');
    expect(t.route53.zones()).toHaveLength(1);
    expect(await t.storage.dnsRecords.listRecordSets(res.data.id)).toEqual([]);
    // Upserting over its record keeps it foreign.
    await t.engine.dns.upsertRecords(t.owner, { ...t.env, id: res.data.id, recordName: 'www', recordType: 'A', values: ['192.0.2.2'] });
    expect(await t.storage.dnsRecords.getRecordSet(res.data.id, 'www.myapp.com.', 'A')).toMatchObject({ managed: false });
  });

  it('private zones and zones of other names are not candidates: a new zone is created', async () => {
    const t = await createDnsTestbed();
    await t.linkAws();
    t.route53.addExistingZone('myapp.com', { private: true });
    t.route53.addExistingZone('other.com');
    const res = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com' });
    expect(res.data.metadata).toEqual({ dns_active: false, adopted: false });
    expect(t.route53.zones()).toHaveLength(3);
  });

  it('several foreign zones → 409 Multiple hosted zones; hostedZoneId chooses one', async () => {
    const t = await createDnsTestbed();
    await t.linkAws();
    const a = t.route53.addExistingZone('myapp.com', { callerReference: 'a' });
    const b = t.route53.addExistingZone('myapp.com', { callerReference: 'b' });
    const e = await engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com' }));
    expect([e.code, e.error, e.message]).toEqual([
      'CONFLICT',
      'Multiple hosted zones',
      `The linked AWS account has 2 hosted zones for myapp.com (${a.hostedZoneId}, ${b.hostedZoneId}); pass hostedZoneId to choose the one to import`,
    ]);
    const res = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com', hostedZoneId: b.hostedZoneId.toLowerCase() });
    expect(res.data).toMatchObject({ hostedZoneId: b.hostedZoneId, metadata: { adopted: true } });
    expect(t.route53.zones()).toHaveLength(2);
  });

  it('hostedZoneId: unknown → 404 Hosted zone not found; another domain → 400; Cloudflare → 400', async () => {
    const t = await createDnsTestbed();
    await t.linkAws();
    const other = t.route53.addExistingZone('other.com');
    const missing = await engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com', hostedZoneId: 'Z999' }));
    expect([missing.code, missing.error, missing.message]).toEqual(['NOT_FOUND', 'Hosted zone not found', 'No Route 53 hosted zone Z999 is visible to the linked AWS connection']);
    const wrong = await engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com', hostedZoneId: other.hostedZoneId }));
    expect(wrong.message).toBe(`hostedZoneId: hosted zone ${other.hostedZoneId} is other.com, not myapp.com`);
    const cf = await engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com', cloudflareApiToken: 'tok', hostedZoneId: 'Z1' }));
    expect(cf.message).toBe('hostedZoneId: applies only to Route 53 zones');
    const bad = await engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com', hostedZoneId: '/hostedzone/Z1' }));
    expect(bad.message).toBe('hostedZoneId: must be a Route 53 hosted zone id (letters and digits, without /hostedzone/)');
    expect(t.route53.zones()).toHaveLength(1);
    expect(await t.storage.resources.countResources({ projectId: t.project.id })).toBe(0);
  });

  it('a retry after a crash reuses the zone its own noted create made (not adopted), even beside a foreign one', async () => {
    const t = await createDnsTestbed();
    const connectionId = await t.linkAws();
    // A create that died after CreateHostedZone: its note and its zone exist, nothing records the zone.
    const environment = (await t.storage.environments.getEnvironmentBySlug(t.project.id, 'master'))!;
    const callerReference = 'cloudlink-11111111-1111-4111-8111-111111111111';
    await t.storage.resources.claimZoneIntent({
      workspaceId: t.workspace.id, projectId: t.project.id, environmentId: environment.id, cloudConnectionId: connectionId,
      provider: 'route53', domainName: 'myapp.com', callerReference, now: t.clock.now(),
    });
    const ours = t.route53.addExistingZone('myapp.com', { callerReference });
    t.route53.addExistingZone('myapp.com', { callerReference: 'console' });
    const res = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com' });
    expect(res.data).toMatchObject({ hostedZoneId: ours.hostedZoneId, metadata: { adopted: false } });
    expect(t.route53.zones()).toHaveLength(2);
    expect(await t.storage.resources.listStaleZoneIntents(connectionId, new Date(t.clock.now().getTime() + 3_600_000))).toEqual([]);
  });

  it('a zone another cloudlink create made is never adopted unasked', async () => {
    const t = await createDnsTestbed();
    await t.linkAws();
    t.route53.addExistingZone('myapp.com', { callerReference: 'cloudlink-00000000-0000-4000-8000-000000000000' });
    const res = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com' });
    expect(res.data.metadata).toEqual({ dns_active: false, adopted: false });
    expect(t.route53.zones()).toHaveLength(2);
  });

  it('an adopted zone is kept when its insert fails (plan limit reached while the provider call ran)', async () => {
    const limits = { max_projects: 10, max_environments_per_project: 10, max_resources: 1, max_resources_per_project: 10, max_cloud_connections: 10, max_workspace_members: 10, features_disabled: [] };
    const t = await createDnsTestbed({ limits: { limitsFor: async () => limits } });
    await t.linkAws();
    const existing = t.route53.addExistingZone('myapp.com');
    t.route53.latencyMs = 20;
    t.route53.resetCalls();
    const create = engineError(t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com' }));
    await waitFor(() => t.route53.calls.some((c) => c.call === 'findZonesByName'), 'the zone lookup');
    const environment = (await t.storage.environments.getEnvironmentBySlug(t.project.id, 'master'))!;
    await t.storage.resources.createResource({
      workspaceId: t.workspace.id, projectId: t.project.id, environmentId: environment.id, cloudConnectionId: null, resourceType: 'instance',
      resourceId: null, name: 'web', region: null, status: 'active', domainName: null, metadata: {}, secretData: null, positionX: null, positionY: null,
      createdBy: t.owner.userId, now: t.clock.now(),
    });
    expect((await create).error).toBe('Plan limit exceeded');
    expect(t.route53.zones().map((z) => z.hostedZoneId)).toEqual([existing.hostedZoneId]);
  });
});
