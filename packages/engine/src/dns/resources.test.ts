import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { StoredRecordSet } from '../domain/records.js';
import type { Storage } from '../ports/storage.js';
import { createDnsTestbed, type DnsTestbed } from '../testing/dns/dns-testbed.js';
import { engineError } from '../testing/engine-error.js';
import { createMemoryStorage } from '../testing/storage/index.js';
import { RESOURCE_SUBTYPES } from './schemas.js';

async function route53Zone(t: DnsTestbed, domainName = 'myapp.com') {
  await t.linkAws();
  const z = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName });
  return { id: z.data.id, hostedZoneId: z.data.hostedZoneId, path: { ...t.env, id: z.data.id }, res: { ...t.env, resourceId: z.data.id } };
}

async function cloudflareZone(t: DnsTestbed, domainName = 'cf.com') {
  const z = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'cf', domainName, cloudflareApiToken: 'tok' });
  return { id: z.data.id, hostedZoneId: z.data.hostedZoneId, path: { ...t.env, id: z.data.id }, res: { ...t.env, resourceId: z.data.id } };
}

describe('resources.list / get', () => {
  it('lists with filters echoed and counts', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    await cloudflareZone(t);
    const res = await t.engine.resources.list(t.owner, { ...t.env });
    expect(res.message).toBe('Project resources retrieved successfully');
    expect(res.project).toEqual({ id: t.project.id, slug: 'shop', name: 'shop' });
    expect(res.filters).toEqual({ type: 'all', environment: 'master', region: null, status: null, state: null });
    // One key per catalogue type (docs/resources.md), zero when none, plus the total.
    expect(res.counts).toEqual({ ...Object.fromEntries(RESOURCE_SUBTYPES.map((t) => [t, 0])), dns: 2, total: 2 });
    expect(Object.keys(res.counts)).toEqual([...RESOURCE_SUBTYPES, 'total']);
    expect(res.count).toBe(2);
    expect(res.data[0]).toEqual({
      id: z.id,
      resourceType: 'dns',
      resourceId: z.hostedZoneId,
      name: 'z',
      project: { id: t.project.id, slug: 'shop', name: 'shop' },
      environment: { id: expect.any(Number), slug: 'master', name: 'master' },
      region: 'global',
      status: 'active',
      metadata: { provider: 'route53', domainName: 'myapp.com', hostedZoneId: z.hostedZoneId, nameServers: expect.any(Array), comment: null, dns_active: false, adopted: false },
      position: null,
      createdAt: '2024-01-15T10:30:00.000Z',
      updatedAt: '2024-01-15T10:30:00.000Z',
    });
    expect(JSON.stringify(res)).not.toContain('secret');
    expect((await t.engine.resources.list(t.owner, { ...t.env, type: 'dnss' })).count).toBe(2);
    expect((await t.engine.resources.list(t.owner, { ...t.env, type: 'instances' })).count).toBe(0);
    const byRegion = await t.engine.resources.list(t.owner, { ...t.env, region: 'eu-west-1', status: 'active' });
    expect(byRegion).toMatchObject({ count: 0, counts: { dns: 2, total: 2 }, filters: { region: 'eu-west-1', status: 'active' } });
    expect((await t.engine.resources.list(t.owner, { ...t.env, state: 'running' })).count).toBe(0);
    expect((await engineError(t.engine.resources.list(t.owner, { ...t.env, type: 'widgets' }))).message).toMatch(/^type: must be all or one of instance/);
  });

  it('gets one; invalid and unknown ids', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    const one = await t.engine.resources.get(t.owner, z.res);
    expect(one.message).toBe('Resource retrieved successfully');
    expect(one.data.id).toBe(z.id);
    expect((await engineError(t.engine.resources.get(t.owner, { ...t.env, resourceId: '0' }))).toBody()).toEqual({
      error: 'Invalid resource ID',
      message: 'Resource ID must be a positive integer',
    });
    expect((await engineError(t.engine.resources.get(t.owner, { ...t.env, resourceId: 12345 }))).error).toBe('Resource not found');
  });
});

describe('resources.sync', () => {
  it('sets dns_active from the _gateways_app TXT and replaces the stored copy keeping managed flags', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['10.0.0.1'] });
    t.route53.putRecordSet(z.hostedZoneId, { name: 'foreign.myapp.com.', type: 'A', ttl: 300, values: ['10.9.9.9'] });
    const off = await t.engine.resources.sync(t.owner, z.res);
    expect(off).toEqual({
      message: 'DNS not verified (Gateways TXT record not found)',
      data: { id: z.id, resourceId: z.hostedZoneId, dns_active: false, domainChecked: 'myapp.com', syncedAt: '2024-01-15T10:30:00.000Z' },
    });
    const stored = await t.storage.dnsRecords.listRecordSets(z.id);
    expect(stored.map((s) => [s.name, s.managed])).toEqual([
      ['foreign.myapp.com.', false],
      ['www.myapp.com.', true],
    ]);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: '_gateways_app', recordType: 'TXT', values: ['installed'] });
    const on = await t.engine.resources.sync(t.owner, z.res);
    expect(on.message).toBe('DNS verified (Gateways TXT record present)');
    expect(on.data.dns_active).toBe(true);
    expect((await t.engine.dns.getZone(t.owner, z.path)).data.metadata).toEqual({ dns_active: true, adopted: false });
    expect(t.resolver.queries).toContain('_gateways_app.myapp.com');
  });

  it('a zone gone at the provider is marked deleted → 404 with data', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.dropZone(z.hostedZoneId);
    const e = await engineError(t.engine.resources.sync(t.owner, z.res));
    expect(e.toBody()).toEqual({
      error: 'DNS zone not found in provider',
      message: `Hosted zone ${z.hostedZoneId} was not found in route53. It may have been deleted.`,
      data: { id: z.id, resourceId: z.hostedZoneId, status: 'deleted', synced: true },
    });
    expect((await engineError(t.engine.dns.getZone(t.owner, z.path))).error).toBe('DNS zone not found');
  });

  it('provider failure → 502 Failed to sync DNS zone; Cloudflare 401 → Invalid Cloudflare token, zone kept', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.failNext('getZone', { code: 'InternalFailure', message: 'x', kind: 'transient' });
    const e = await engineError(t.engine.resources.sync(t.owner, z.res));
    expect([e.code, e.error, e.message]).toEqual(['PROVIDER_FAILURE', 'Failed to sync DNS zone', 'getZone failed: InternalFailure: x']);
    const c = await cloudflareZone(t);
    t.cloudflare.failNext('getZone', { code: '9109', message: 'Invalid access token', kind: 'unauthorized' });
    expect((await engineError(t.engine.resources.sync(t.owner, c.res))).error).toBe('Invalid Cloudflare token');
    expect((await t.engine.resources.get(t.owner, c.res)).data.status).toBe('active');
  });

  it('needs canUpdateResources', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    const viewer = await t.addUser('v@example.com', 'viewer');
    expect((await engineError(t.engine.resources.sync(viewer, z.res))).message).toBe('You do not have permission to perform this action (requires canUpdateResources)');
  });
});

describe('resources.sync memory', () => {
  it('holds nothing of the old stored copy but the keys of our sets once the zone is listed', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // Every stored set handed to the engine is a fresh object watched by a WeakRef; when sync opens
    // its transaction to write the fresh copy (the listing is over, the old copy no longer needed),
    // a full GC must be able to collect every one of them.
    const base = createMemoryStorage({ migrated: true });
    let handedOut: WeakRef<StoredRecordSet>[] = [];
    let stillHeld: number | undefined;
    const storage: Storage = {
      ...base,
      dnsRecords: {
        ...base.dnsRecords,
        async listRecordSets(zoneResourceId) {
          const sets = structuredClone(await base.dnsRecords.listRecordSets(zoneResourceId));
          handedOut = sets.map((s) => new WeakRef(s));
          return sets;
        },
      },
      async transaction(fn) {
        if (handedOut.length > 0 && stillHeld === undefined) {
          // A macrotask first: objects a WeakRef was made or read in this task stay alive until it ends.
          await new Promise((r) => setImmediate(r));
          gc();
          stillHeld = handedOut.filter((w) => w.deref() !== undefined).length;
        }
        return base.transaction(fn);
      },
    };
    const t = await createDnsTestbed({ storage });
    const z = await route53Zone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, records: Array.from({ length: 50 }, (_, i) => ({ recordName: `h${i}`, recordType: 'A', values: [`10.0.0.${i}`] })) });
    for (let i = 0; i < 50; i++) t.route53.putRecordSet(z.hostedZoneId, { name: `f${i}.myapp.com.`, type: 'A', ttl: 300, values: ['10.9.9.9'] });
    handedOut = [];
    await t.engine.resources.sync(t.owner, z.res);
    expect(stillHeld).toBe(0);
    const stored = await base.dnsRecords.listRecordSets(z.id);
    expect(stored.filter((s) => s.managed)).toHaveLength(50);
    expect(stored.filter((s) => !s.managed)).toHaveLength(50);
  });
});

describe('resources.delete', () => {
  it('Route 53: deletes every record set but apex NS/SOA, then the hosted zone', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    const records = Array.from({ length: 1200 }, (_, i) => ({ recordName: `r${i}`, recordType: 'A', values: ['10.0.0.1'] }));
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, records });
    t.route53.putRecordSet(z.hostedZoneId, { name: 'foreign.myapp.com.', type: 'TXT', ttl: 300, values: ['"x"'] });
    const res = await t.engine.resources.delete(t.owner, z.res);
    expect(res).toEqual({ message: 'Resource deleted successfully', data: { id: z.id, resourceType: 'dns' } });
    expect(t.route53.zoneByDomain('myapp.com')).toBeNull();
    expect(await t.storage.dnsRecords.listRecordSets(z.id)).toEqual([]);
    expect((await engineError(t.engine.resources.get(t.owner, z.res))).error).toBe('Resource not found');
  });

  it('Route 53: a zone already gone counts as deleted', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.dropZone(z.hostedZoneId);
    expect((await t.engine.resources.delete(t.owner, z.res)).message).toBe('Resource deleted successfully');
  });

  it('Cloudflare: deletes only managed sets whose values still match; the zone stays', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, records: [{ recordName: 'ours', recordType: 'A', values: ['10.0.0.1'] }, { recordName: 'changed', recordType: 'A', values: ['10.0.0.2'] }] });
    t.cloudflare.putRecordSet(z.hostedZoneId, { name: 'changed.cf.com.', type: 'A', ttl: 1, values: ['10.0.0.3'] });
    t.cloudflare.putRecordSet(z.hostedZoneId, { name: 'foreign.cf.com.', type: 'A', ttl: 1, values: ['10.0.0.4'] });
    await t.engine.resources.delete(t.owner, { ...z.res, deleteFromCloud: 'true' });
    expect(t.cloudflare.recordSets(z.hostedZoneId).map((s) => s.name)).toEqual(['changed.cf.com.', 'foreign.cf.com.']);
    expect(t.cloudflare.zoneByDomain('cf.com')).not.toBeNull();
  });

  it('Cloudflare: many managed sets are matched with one streamed listing', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    const records = Array.from({ length: 30 }, (_, i) => ({ recordName: `r${i}`, recordType: 'A', values: ['10.0.0.1'] }));
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, records });
    t.cloudflare.putRecordSet(z.hostedZoneId, { name: 'r3.cf.com.', type: 'A', ttl: 1, values: ['10.0.0.9'] });
    t.cloudflare.resetCalls();
    await t.engine.resources.delete(t.owner, z.res);
    expect(t.cloudflare.calls.filter((c) => c.call === 'listRecordSets')).toHaveLength(1);
    expect(t.cloudflare.recordSets(z.hostedZoneId).map((s) => s.name)).toEqual(['r3.cf.com.']);
  });

  it('deleteFromCloud=false touches only the database', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['10.0.0.1'] });
    t.route53.resetCalls();
    await t.engine.resources.delete(t.owner, { ...z.res, deleteFromCloud: false });
    expect(t.route53.calls).toEqual([]);
    expect(t.route53.zoneByDomain('myapp.com')).not.toBeNull();
    expect(await t.storage.dnsRecords.listRecordSets(z.id)).toEqual([]);
    expect((await engineError(t.engine.resources.delete(t.owner, { ...z.res, deleteFromCloud: 'yes' }))).error).toBe('Resource not found');
  });

  it('rejects a malformed deleteFromCloud', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    expect((await engineError(t.engine.resources.delete(t.owner, { ...z.res, deleteFromCloud: 'yes' }))).message).toBe('deleteFromCloud: must be true or false');
  });

  it('a provider failure leaves the resource active → 502/503 Failed to delete hosted zone', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.failNext('deleteZone', { code: 'Throttling', message: 'Rate exceeded', kind: 'throttled' });
    const e = await engineError(t.engine.resources.delete(t.owner, z.res));
    expect([e.code, e.error, e.retryAfter]).toEqual(['PROVIDER_UNAVAILABLE', 'Failed to delete hosted zone', 5]);
    expect((await t.engine.resources.get(t.owner, z.res)).data.status).toBe('active');
    t.route53.failNext('deleteZone', { code: 'InternalFailure', message: 'x', kind: 'transient' });
    expect((await engineError(t.engine.resources.delete(t.owner, z.res))).code).toBe('PROVIDER_FAILURE');
    const viewer = await t.addUser('v@example.com', 'viewer');
    expect((await engineError(t.engine.resources.delete(viewer, z.res))).error).toBe('Forbidden');
  });
});
