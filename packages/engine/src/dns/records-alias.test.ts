import { describe, expect, it } from 'vitest';
import { createDnsTestbed, type DnsTestbed } from '../testing/dns/dns-testbed.js';
import { engineError } from '../testing/engine-error.js';

/** Alias items and proxied records through the records services (docs/records.md#alias-items, #proxied-records), on the memory providers. */

async function route53Zone(t: DnsTestbed) {
  await t.linkAws();
  const z = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com' });
  return { id: z.data.id, hostedZoneId: z.data.hostedZoneId, path: { ...t.env, id: z.data.id } };
}

async function cloudflareZone(t: DnsTestbed) {
  const z = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com', cloudflareApiToken: 'tok' });
  return { id: z.data.id, hostedZoneId: z.data.hostedZoneId, path: { ...t.env, id: z.data.id } };
}

const ALB = 'my-alb-1234.us-east-1.elb.amazonaws.com';

describe('proxied: false on Route 53', () => {
  it('is DNS-only, what Route 53 does anyway: accepted and sent as a plain set', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    const res = await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['192.0.2.1'], proxied: false });
    expect(res.data).toMatchObject({ recordName: 'www.myapp.com.', values: ['192.0.2.1'], ttl: 300 });
    expect(t.route53.recordSets(z.hostedZoneId).find((s) => s.name === 'www.myapp.com.')).not.toHaveProperty('proxied', true);
  });
});

describe('alias items (Route 53)', () => {
  it('an AWS endpoint: hostedZoneId filled in, the port alias shape sent, one change batch with the plain items', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.resetCalls();
    const res = await t.engine.dns.upsertRecords(t.owner, {
      ...z.path,
      records: [
        { recordName: '@', recordType: 'A', alias: { target: `${ALB.toUpperCase()}.` } },
        { recordName: 'www', recordType: 'AAAA', alias: { target: 'd111.cloudfront.net', evaluateTargetHealth: true }, ttl: 60 },
        { recordName: 'mail', recordType: 'A', values: ['192.0.2.1'] },
      ],
    });
    expect(res.data).toEqual([
      { recordName: 'myapp.com.', recordType: 'A', alias: { target: `${ALB}.`, hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: false }, ttl: null, changeId: expect.stringMatching(/^C/), status: 'PENDING' },
      { recordName: 'www.myapp.com.', recordType: 'AAAA', alias: { target: 'd111.cloudfront.net.', hostedZoneId: 'Z2FDTNDATAQYW2', evaluateTargetHealth: true }, ttl: null, changeId: expect.stringMatching(/^C/), status: 'PENDING' },
      { recordName: 'mail.myapp.com.', recordType: 'A', values: ['192.0.2.1'], ttl: 300, changeId: expect.stringMatching(/^C/), status: 'PENDING' },
    ]);
    const changes = t.route53.calls.filter((c) => c.call === 'applyChanges');
    expect(changes).toHaveLength(1);
    const held = t.route53.recordSets(z.hostedZoneId).find((s) => s.name === 'myapp.com.' && s.type === 'A');
    expect(held).toMatchObject({ ttl: null, values: [`${ALB}.`], alias: { hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: `${ALB}.`, evaluateTargetHealth: false } });
    expect(await t.storage.dnsRecords.getRecordSet(z.id, 'myapp.com.', 'A')).toMatchObject({ ttl: null, values: [`${ALB}.`], managed: true });
  });

  it('a name inside the zone: this zone id; change and delete through alias items (exact target)', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'origin', recordType: 'A', values: ['192.0.2.7'] });
    const one = await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'app', recordType: 'A', alias: { target: 'origin.myapp.com', hostedZoneId: z.hostedZoneId } });
    expect(one.data).toMatchObject({ alias: { target: 'origin.myapp.com.', hostedZoneId: z.hostedZoneId, evaluateTargetHealth: false }, ttl: null });
    // Re-pointed through an alias item.
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'app', recordType: 'A', alias: { target: ALB } });
    const held = () => t.route53.recordSets(z.hostedZoneId).find((s) => s.name === 'app.myapp.com.');
    expect(held()?.alias?.dnsName).toBe(`${ALB}.`);
    // A values item cannot change it; a DELETE naming another target is a 404; the exact target deletes.
    expect((await engineError(t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'app', recordType: 'A', values: ['192.0.2.1'] }))).message).toBe(
      'recordName: app.myapp.com. A is an alias record; change it with an alias item',
    );
    const miss = await engineError(t.engine.dns.deleteRecords(t.owner, { ...z.path, recordName: 'app', recordType: 'A', alias: { target: 'd1.cloudfront.net' } }));
    expect([miss.error, miss.message]).toEqual(['DNS record not found', 'No A record app.myapp.com. with exactly these values exists in this zone']);
    const byValues = await engineError(t.engine.dns.deleteRecords(t.owner, { ...z.path, recordName: 'app', recordType: 'A', values: ['192.0.2.1'] }));
    expect(byValues.message).toBe('recordName: app.myapp.com. A is an alias record; delete it with an alias item');
    const del = await t.engine.dns.deleteRecords(t.owner, { ...z.path, recordName: 'app', recordType: 'A', alias: { target: ALB, hostedZoneId: 'Z35SXDOTRQ7X7K' } });
    expect(del).toMatchObject({ message: 'DNS record deleted successfully', data: { recordName: 'app.myapp.com.', recordType: 'A' } });
    expect(held()).toBeUndefined();
    expect(await t.storage.dnsRecords.getRecordSet(z.id, 'app.myapp.com.', 'A')).toBeNull();
  });

  it('a plain set does not silently become an alias', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['192.0.2.1'] });
    const e = await engineError(t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', alias: { target: ALB } }));
    expect(e.message).toBe('recordName: www.myapp.com. A has values; delete it before writing an alias');
  });

  it('every rule is checked for the whole batch before any provider call, with indexed paths', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.resetCalls();
    const e = await engineError(
      t.engine.dns.upsertRecords(t.owner, {
        ...z.path,
        records: [
          { recordName: 'a', recordType: 'A', alias: { target: ALB, hostedZoneId: 'Z26RNL4JYFTOTI' } },
          { recordName: 'b', recordType: 'A', values: ['192.0.2.1'], alias: { target: ALB } },
          { recordName: 'c', recordType: 'MX', alias: { target: ALB } },
          { recordName: 'd', recordType: 'A', alias: { target: 'lb.example.net' } },
          { recordName: 'e', recordType: 'A', alias: { target: 'x.myapp.com', hostedZoneId: 'Z35SXDOTRQ7X7K' } },
          { recordName: 'f', recordType: 'A', alias: { target: 'f.myapp.com' } },
          { recordName: 'g', recordType: 'A', alias: { target: ALB, evaluateTargetHealth: 'yes' } },
          { recordName: 'h', recordType: 'A', alias: 'x' },
          { recordName: 'i', recordType: 'A', alias: {} },
          { recordName: 'j', recordType: 'A', values: ['192.0.2.1'], proxied: true },
          { recordName: 'k', recordType: 'A', alias: { target: 'x'.repeat(300) } },
        ],
      }),
    );
    expect(e.details).toEqual([
      { path: 'records[0].alias.hostedZoneId', message: 'must be Z35SXDOTRQ7X7K for a load balancer in us-east-1' },
      { path: 'records[1].alias', message: 'give either values or alias, not both' },
      { path: 'records[2].alias', message: 'MX records cannot be aliases here; use A or AAAA' },
      { path: 'records[3].alias.target', message: 'must be an AWS endpoint (S3 website, CloudFront, load balancer) or a name in zone myapp.com' },
      { path: 'records[4].alias.hostedZoneId', message: `must be ${z.hostedZoneId} (this zone) for a target inside the zone` },
      { path: 'records[5].alias.target', message: 'an alias cannot point at itself' },
      { path: 'records[6].alias.evaluateTargetHealth', message: 'must be a boolean' },
      { path: 'records[7].alias', message: 'must be an object' },
      { path: 'records[8].alias.target', message: 'required' },
      { path: 'records[9].proxied', message: 'applies only to Cloudflare zones' },
      { path: 'records[10].alias.target', message: 'must be at most 253 characters' },
    ]);
    expect(t.route53.calls.filter((c) => c.call === 'applyChanges' || c.call === 'getRecordSet')).toEqual([]);
  });

  it('listing shows alias sets as before', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'cdn', recordType: 'A', alias: { target: 'd1.cloudfront.net' } });
    const list = await t.engine.dns.listRecords(t.owner, z.path);
    expect(list.data).toEqual([
      { name: 'cdn.myapp.com.', type: 'A', ttl: null, alias: true, values: ['d1.cloudfront.net.'], aliasTarget: { hostedZoneId: 'Z2FDTNDATAQYW2', dnsName: 'd1.cloudfront.net.', evaluateTargetHealth: false } },
    ]);
  });
});

describe('proxied (Cloudflare)', () => {
  it('default false; true for A/AAAA/CNAME with the automatic TTL; listed on every set', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    const res = await t.engine.dns.upsertRecords(t.owner, {
      ...z.path,
      records: [
        { recordName: 'www', recordType: 'A', values: ['192.0.2.1'], proxied: true },
        { recordName: 'api', recordType: 'CNAME', values: ['lb.example.net'] },
        { recordName: '@', recordType: 'MX', values: ['10 mail.myapp.com'], proxied: false },
      ],
    });
    expect(res.data).toEqual([
      { recordName: 'www.myapp.com.', recordType: 'A', values: ['192.0.2.1'], ttl: 1, proxied: true, changeId: null, status: 'INSYNC' },
      { recordName: 'api.myapp.com.', recordType: 'CNAME', values: ['lb.example.net.'], ttl: 300, proxied: false, changeId: null, status: 'INSYNC' },
      { recordName: 'myapp.com.', recordType: 'MX', values: ['10 mail.myapp.com.'], ttl: 300, proxied: false, changeId: null, status: 'INSYNC' },
    ]);
    expect(t.cloudflare.recordSets(z.hostedZoneId).find((s) => s.name === 'www.myapp.com.')).toMatchObject({ proxied: true, ttl: 1 });
    const list = await t.engine.dns.listRecords(t.owner, z.path);
    expect(list.data.map((r) => [r.name, r.type, (r as { proxied?: boolean }).proxied])).toEqual([
      ['myapp.com.', 'MX', false],
      ['api.myapp.com.', 'CNAME', false],
      ['www.myapp.com.', 'A', true],
    ]);
  });

  it('the identical-UPSERT short-cut compares proxied: switching it off is sent', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['192.0.2.1'], ttl: 1, proxied: true });
    t.cloudflare.resetCalls();
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['192.0.2.1'], ttl: 1, proxied: true });
    expect(t.cloudflare.calls.filter((c) => c.call === 'applyChanges')).toHaveLength(0);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['192.0.2.1'], ttl: 1 });
    expect(t.cloudflare.calls.filter((c) => c.call === 'applyChanges')).toHaveLength(1);
    expect(t.cloudflare.recordSets(z.hostedZoneId).find((s) => s.name === 'www.myapp.com.')?.proxied).toBeUndefined();
  });

  it('refused on types Cloudflare cannot proxy, and alias refused on Cloudflare, before any provider call', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    t.cloudflare.resetCalls();
    const e = await engineError(
      t.engine.dns.upsertRecords(t.owner, {
        ...z.path,
        records: [
          { recordName: '@', recordType: 'MX', values: ['10 mail.myapp.com'], proxied: true },
          { recordName: 'x', recordType: 'A', alias: { target: ALB } },
          { recordName: 'y', recordType: 'A', values: ['192.0.2.1'], proxied: 'true' },
        ],
      }),
    );
    expect(e.details).toEqual([
      { path: 'records[0].proxied', message: 'MX records cannot be proxied' },
      { path: 'records[1].alias', message: 'alias records exist only in Route 53 zones' },
      { path: 'records[2].proxied', message: 'must be a boolean' },
    ]);
    expect(e.message).toBe('records[0].proxied: MX records cannot be proxied');
    expect(t.cloudflare.calls.filter((c) => c.call === 'applyChanges')).toEqual([]);
  });
});
