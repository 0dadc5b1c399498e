import { describe, expect, it } from 'vitest';
import type { Resource } from '../../domain/records.js';
import { createDnsTestbed, type DnsTestbed } from '../../testing/dns/dns-testbed.js';
import { engineError } from '../../testing/engine-error.js';

/**
 * The resource-connection services on the memory storage and providers: the flow, the batches it
 * sends, ownership of record sets, re-point, disconnect and what a zone delete leaves. The same
 * scenarios run over REST and tRPC against the sandbox fakes in tests/resource-connections*.test.ts.
 */

async function world(provider: 'route53' | 'cloudflare' = 'route53', domain = 'myapp.com') {
  const t = await createDnsTestbed();
  if (provider === 'route53') await t.linkAws();
  const z = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: domain, ...(provider === 'cloudflare' ? { cloudflareApiToken: 'tok' } : {}) });
  const zone = (await t.storage.resources.getResourceById(z.data.id)) as Resource;
  const scope = { workspaceId: zone.workspaceId, projectId: zone.projectId, environmentId: zone.environmentId, createdBy: t.owner.userId, secretData: null, positionX: null, positionY: null, cloudConnectionId: null, region: null, status: 'active', resourceId: null };
  const subdomain = async (name: string) => {
    const fqdn = name === '@' ? domain : `${name}.${domain}`;
    return t.storage.resources.createResource({ ...scope, resourceType: 'subdomain', name, domainName: fqdn, parentResourceId: zone.id, metadata: {}, now: t.clock.now() });
  };
  const host = (name: string, dnsTarget: unknown) =>
    t.storage.resources.createResource({ ...scope, resourceType: 'instance', name, domainName: null, metadata: dnsTarget === null ? {} : { dnsTarget }, now: t.clock.now() });
  const p = provider === 'route53' ? t.route53 : t.cloudflare;
  const sets = () => p.recordSets(z.data.hostedZoneId).filter((s) => s.type !== 'NS' && s.type !== 'SOA');
  const changeCalls = () => p.calls.filter((c) => c.call === 'applyChanges').length;
  return { t, zone, subdomain, host, sets, changeCalls, p, hostedZoneId: z.data.hostedZoneId };
}

const connect = (t: DnsTestbed, body: Record<string, unknown>) => t.engine.resourceConnections.create(t.owner, { ...t.env, ...body } as Parameters<typeof t.engine.resourceConnections.create>[1]);

describe('resourceConnections', () => {
  it('connects a subdomain to addresses in one batch, marks the sets managed and the zone active', async () => {
    const w = await world();
    const www = await w.subdomain('www');
    const web = await w.host('web-1', { addresses: ['192.0.2.10', '2001:db8::10'] });
    const before = w.changeCalls();
    const res = await connect(w.t, { sourceId: www.id, targetId: web.id });
    expect(w.changeCalls() - before).toBe(1);
    expect(res.message).toBe('Resource connection created successfully');
    expect(res.data).toMatchObject({
      connectionType: 'dns',
      status: 'active',
      source: { id: www.id, resourceType: 'subdomain', name: 'www' },
      target: { id: web.id, resourceType: 'instance', name: 'web-1' },
      zoneId: w.zone.id,
      recordName: 'www.myapp.com.',
      records: [
        { name: 'www.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.10'] },
        { name: 'www.myapp.com.', type: 'AAAA', ttl: 300, values: ['2001:db8::10'] },
        { name: '_gateways_app.www.myapp.com.', type: 'TXT', ttl: 300, values: ['"installed"'] },
      ],
    });
    expect(w.sets().map((s) => `${s.name} ${s.type} ${s.values.join(',')}`).sort()).toEqual([
      '_gateways_app.www.myapp.com. TXT "installed"',
      'www.myapp.com. A 192.0.2.10',
      'www.myapp.com. AAAA 2001:db8::10',
    ]);
    const stored = await w.t.storage.dnsRecords.listRecordSets(w.zone.id);
    expect(stored.every((s) => s.managed)).toBe(true);
    expect(await w.t.storage.dnsRecords.listCreateIntents(w.zone.id)).toEqual([]);
    expect((await w.t.storage.resources.getResourceById(w.zone.id))?.metadata.dns_active).toBe(true);

    const sync = await w.t.engine.resources.sync(w.t.owner, { ...w.t.env, resourceId: w.zone.id });
    expect(sync.data).toMatchObject({ domainChecked: 'www.myapp.com', dns_active: true });

    // A second connect of the same subdomain: 409.
    const other = await w.host('web-2', { addresses: ['192.0.2.20'] });
    expect((await engineError(connect(w.t, { sourceId: www.id, targetId: other.id }))).error).toBe('Subdomain already connected');
  });

  it('refuses a foreign record set, leaves nothing behind; pairs and targets outside the table', async () => {
    const w = await world();
    const www = await w.subdomain('www');
    const web = await w.host('web-1', { addresses: ['192.0.2.10'] });
    w.p.putRecordSet(w.hostedZoneId, { name: 'www.myapp.com.', type: 'A', ttl: 60, values: ['198.51.100.1'] });
    const before = w.changeCalls();
    const err = await engineError(connect(w.t, { sourceId: www.id, targetId: web.id }));
    expect(err.toBody()).toEqual({ error: 'DNS record conflict', message: 'www.myapp.com. A already exists at the DNS provider and was not created by cloudlink' });
    expect(w.changeCalls()).toBe(before);
    expect(await w.t.storage.resourceConnections.listConnectionsOfResource(www.id)).toEqual([]);

    const bare = await w.host('bare', null);
    const api = await w.subdomain('api');
    expect((await engineError(connect(w.t, { sourceId: api.id, targetId: bare.id }))).error).toBe('Connection not allowed');
    expect((await engineError(connect(w.t, { sourceId: web.id, targetId: api.id }))).error).toBe('Connection not allowed');
    expect((await engineError(connect(w.t, { sourceId: api.id, targetId: 99999 }))).message).toBe('targetId: resource 99999 does not exist in this environment');
    expect((await engineError(connect(w.t, { sourceId: api.id, targetId: web.id, proxied: true }))).message).toBe('proxied: only Cloudflare zones can proxy records');
    const apex = await w.subdomain('@');
    const lb = await w.host('lb', { hostname: 'lb-1.hosting.example.net.' });
    expect((await engineError(connect(w.t, { sourceId: apex.id, targetId: lb.id }))).message).toMatch(/^targetId: a hostname target cannot be connected at the zone apex/);
  });

  it('re-points in one batch (UPSERT + DELETE of the type no longer used) and disconnects only what still matches', async () => {
    const w = await world('cloudflare', 'cf.com');
    const www = await w.subdomain('www');
    const web = await w.host('web-1', { addresses: ['192.0.2.10'] });
    const lb = await w.host('lb', { hostname: 'lb-1.hosting.example.net.' });
    const c = await connect(w.t, { sourceId: www.id, targetId: web.id });
    // Someone else's record beside ours.
    w.p.putRecordSet(w.hostedZoneId, { name: 'mail.cf.com.', type: 'A', ttl: 300, values: ['198.51.100.7'] });
    const before = w.changeCalls();
    const patched = await w.t.engine.resourceConnections.update(w.t.owner, { ...w.t.env, id: c.data.id, targetId: lb.id, proxied: true });
    expect(w.changeCalls() - before).toBe(1);
    expect(patched.data.records.map((r) => `${r.type} ${r.values.join(',')} ${String(r.proxied)}`)).toEqual(['CNAME lb-1.hosting.example.net. true', 'TXT "installed" undefined']);
    expect(w.sets().map((s) => `${s.name} ${s.type}`).sort()).toEqual(['_gateways_app.www.cf.com. TXT', 'mail.cf.com. A', 'www.cf.com. CNAME']);

    // Re-point through the target: PATCH of the host's dnsTarget is covered over REST; here directly.
    const gone = await w.t.engine.resourceConnections.delete(w.t.owner, { ...w.t.env, id: c.data.id });
    expect(gone).toEqual({ message: 'Resource connection deleted successfully', data: { id: c.data.id } });
    expect(w.sets().map((s) => `${s.name} ${s.type}`)).toEqual(['mail.cf.com. A']);
    expect((await w.t.storage.resources.getResourceById(w.zone.id))?.metadata.dns_active).toBe(false);
    expect((await engineError(w.t.engine.resourceConnections.get(w.t.owner, { ...w.t.env, id: c.data.id }))).error).toBe('Resource connection not found');
  });

  it('zone delete removes the connections’ records and forgets connections and subdomains', async () => {
    const w = await world('cloudflare', 'cf.com');
    const www = await w.subdomain('www');
    const web = await w.host('web-1', { addresses: ['192.0.2.10'] });
    await connect(w.t, { sourceId: www.id, targetId: web.id });
    w.p.putRecordSet(w.hostedZoneId, { name: 'mail.cf.com.', type: 'A', ttl: 300, values: ['198.51.100.7'] });
    await w.t.engine.resources.delete(w.t.owner, { ...w.t.env, resourceId: w.zone.id, deleteFromCloud: 'true' });
    expect(w.sets().map((s) => `${s.name} ${s.type}`)).toEqual(['mail.cf.com. A']);
    expect(await w.t.storage.resources.getResourceById(www.id)).toBeNull();
    expect(await w.t.storage.resourceConnections.listConnectionsOfResource(web.id)).toEqual([]);
  });

  it('resources.delete of a subdomain disconnects it; of a host needs canRegisterResources; deleteFromCloud=false keeps the records', async () => {
    const w = await world();
    const www = await w.subdomain('www');
    const api = await w.subdomain('api');
    const web = await w.host('web-1', { addresses: ['192.0.2.10'] });
    await connect(w.t, { sourceId: www.id, targetId: web.id });
    await connect(w.t, { sourceId: api.id, targetId: web.id });
    await w.t.engine.resources.delete(w.t.owner, { ...w.t.env, resourceId: www.id });
    expect(w.sets().map((s) => s.name).sort()).toEqual(['_gateways_app.api.myapp.com.', 'api.myapp.com.']);
    const dev = await w.t.addUser('dev@example.com', 'dev');
    expect((await engineError(w.t.engine.resources.delete(dev, { ...w.t.env, resourceId: web.id }))).message).toMatch(/canRegisterResources/);
    await w.t.engine.resources.delete(w.t.owner, { ...w.t.env, resourceId: web.id, deleteFromCloud: 'false' });
    expect(w.sets().map((s) => s.name).sort()).toEqual(['_gateways_app.api.myapp.com.', 'api.myapp.com.']);
    expect(await w.t.storage.resourceConnections.listConnectionsOfResource(api.id)).toEqual([]);
    expect((await w.t.storage.resources.getResourceById(w.zone.id))?.metadata.dns_active).toBe(false);
    // With no active connection left, sync checks the apex.
    expect((await w.t.engine.resources.sync(w.t.owner, { ...w.t.env, resourceId: w.zone.id })).data.domainChecked).toBe('myapp.com');
  });

  it('an adopted Route 53 zone keeps everything not ours on delete, and the hosted zone itself', async () => {
    const w = await world();
    const www = await w.subdomain('www');
    const web = await w.host('web-1', { addresses: ['192.0.2.10'] });
    await connect(w.t, { sourceId: www.id, targetId: web.id });
    await w.t.storage.resources.updateResource(w.zone.id, { metadata: { ...w.zone.metadata, adopted: true } }, w.t.clock.now());
    w.p.putRecordSet(w.hostedZoneId, { name: 'mail.myapp.com.', type: 'MX', ttl: 300, values: ['10 mx.example.net.'] });
    await w.t.engine.resources.delete(w.t.owner, { ...w.t.env, resourceId: w.zone.id, deleteFromCloud: 'true' });
    expect(w.sets().map((s) => `${s.name} ${s.type}`)).toEqual(['mail.myapp.com. MX']);
    expect(w.p.zones().some((z) => z.hostedZoneId === w.hostedZoneId)).toBe(true);
  });

  it('an alias target on Cloudflare is a CNAME to its dnsName, at the apex too; it cannot be proxied', async () => {
    const w = await world('cloudflare', 'cf.com');
    const apex = await w.subdomain('@');
    const cdn = await w.host('cdn', { alias: { dnsName: 'd111.cloudfront.net.', hostedZoneId: 'Z2FDTNDATAQYW2', evaluateTargetHealth: false, dualStack: true } });
    expect((await engineError(connect(w.t, { sourceId: apex.id, targetId: cdn.id, proxied: true }))).message).toBe('proxied: only addresses or hostname targets can be proxied');
    const res = await connect(w.t, { sourceId: apex.id, targetId: cdn.id });
    expect(res.data.records.map((r) => `${r.name} ${r.type} ${r.values.join(',')}`)).toEqual(['cf.com. CNAME d111.cloudfront.net.', '_gateways_app.cf.com. TXT "installed"']);
    expect(w.sets().map((s) => `${s.name} ${s.type}`).sort()).toEqual(['_gateways_app.cf.com. TXT', 'cf.com. CNAME']);
  });

  it('zone delete with deleteFromCloud=false forgets connections, subdomains and the zone; the provider keeps its records', async () => {
    const w = await world('cloudflare', 'cf.com');
    const www = await w.subdomain('www');
    const web = await w.host('web-1', { addresses: ['192.0.2.10'] });
    await connect(w.t, { sourceId: www.id, targetId: web.id });
    const before = w.changeCalls();
    await w.t.engine.resources.delete(w.t.owner, { ...w.t.env, resourceId: w.zone.id, deleteFromCloud: 'false' });
    expect(w.changeCalls()).toBe(before);
    expect(w.sets().map((s) => `${s.name} ${s.type}`).sort()).toEqual(['_gateways_app.www.cf.com. TXT', 'www.cf.com. A']);
    expect(await w.t.storage.resources.getResourceById(www.id)).toBeNull();
    expect(await w.t.storage.resourceConnections.listConnectionsOfResource(web.id)).toEqual([]);
    // The host resource stays, free to be connected elsewhere.
    expect(await w.t.storage.resources.getResourceById(web.id)).not.toBeNull();
  });
});
