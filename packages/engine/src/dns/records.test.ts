import { describe, expect, it } from 'vitest';
import { createDnsTestbed, type DnsTestbed } from '../testing/dns/dns-testbed.js';
import { engineError } from '../testing/engine-error.js';

async function route53Zone(t: DnsTestbed, domainName = 'myapp.com') {
  await t.linkAws();
  const z = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName });
  return { id: z.data.id, hostedZoneId: z.data.hostedZoneId, path: { ...t.env, id: z.data.id } };
}

async function cloudflareZone(t: DnsTestbed, domainName = 'myapp.com') {
  const z = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName, cloudflareApiToken: 'tok' });
  return { id: z.data.id, hostedZoneId: z.data.hostedZoneId, path: { ...t.env, id: z.data.id } };
}

/** An alias set made outside the product (an S3 website), as Route 53 holds it. */
const S3_ALIAS_SET = {
  name: 'static.myapp.com.',
  type: 'A',
  ttl: null,
  values: [],
  alias: { hostedZoneId: 'Z3AQBSTGFYJSTF', dnsName: 's3-website-us-east-1.amazonaws.com.', evaluateTargetHealth: false },
} as const;

const changeCalls = (t: DnsTestbed) => t.route53.calls.filter((c) => c.call === 'applyChanges');
/** Single-value UPSERTs per change batch under the provider's declared limits. */
const upsertsPerBatch = (t: DnsTestbed) => t.route53.batchLimits.valuesPerBatch / t.route53.batchLimits.upsertWeight;

describe('dns.upsertRecords (see docs/records.md)', () => {
  it('single form on Route 53: normalised, PENDING change id, stored copy managed', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    const res = await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'WWW', recordType: 'a', values: ['192.0.2.1'] });
    expect(res).toEqual({
      message: 'DNS record created successfully',
      data: { recordName: 'www.myapp.com.', recordType: 'A', values: ['192.0.2.1'], ttl: 300, changeId: expect.stringMatching(/^C/), status: 'PENDING' },
    });
    expect(await t.storage.dnsRecords.getRecordSet(z.id, 'www.myapp.com.', 'A')).toMatchObject({ values: ['192.0.2.1'], ttl: 300, managed: true });
  });

  it('batch form: count, one item per record, shared change ids per provider batch', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    const res = await t.engine.dns.upsertRecords(t.owner, {
      ...z.path,
      records: [
        { recordName: '@', recordType: 'MX', values: ['10 mail.myapp.com'] },
        { recordName: '_gateways_app', recordType: 'TXT', values: ['installed'], ttl: 60 },
      ],
    });
    expect(res.message).toBe('DNS records created successfully');
    expect("count" in res && res.count).toBe(2);
    const data = res.data as { changeId: string; values: string[] }[];
    expect(data[0]?.changeId).toBe(data[1]?.changeId);
    expect(data[1]?.values).toEqual(['"installed"']);
  });

  it('keeps managed=false when upserting over a record created outside the product', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.putRecordSet(z.hostedZoneId, { name: 'www.myapp.com.', type: 'A', ttl: 300, values: ['10.0.0.1'] });
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['10.0.0.2'] });
    expect(await t.storage.dnsRecords.getRecordSet(z.id, 'www.myapp.com.', 'A')).toMatchObject({ managed: false, values: ['10.0.0.2'] });
  });

  it('CNAME exclusivity against the zone and the batch, apex CNAME on Route 53', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['192.0.2.1'] });
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'blog', recordType: 'CNAME', values: ['x.example.net'] });
    t.route53.resetCalls();
    const m = async (input: Record<string, unknown>) => (await engineError(t.engine.dns.upsertRecords(t.owner, { ...z.path, ...input } as never))).message;
    expect(await m({ recordName: 'www', recordType: 'CNAME', values: ['x.example.net'] })).toBe(
      'recordName: www.myapp.com. already has A records; a CNAME cannot coexist with other records',
    );
    expect(await m({ recordName: 'blog', recordType: 'TXT', values: ['x'] })).toBe('recordName: blog.myapp.com. has a CNAME record; other records cannot be added');
    expect(await m({ recordName: '@', recordType: 'CNAME', values: ['x.example.net'] })).toBe('recordName: CNAME is not allowed at the zone apex on Route 53');
    expect(
      await m({ records: [{ recordName: 'new', recordType: 'A', values: ['10.0.0.1'] }, { recordName: 'new', recordType: 'CNAME', values: ['x.example.net'] }] }),
    ).toBe('records[0].recordName: new.myapp.com. has a CNAME record; other records cannot be added');
    expect(changeCalls(t)).toEqual([]);
  });

  it('apex CNAME is allowed on Cloudflare', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    const res = await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: '@', recordType: 'CNAME', values: ['x.example.net'] });
    expect(res.data).toMatchObject({ recordName: 'myapp.com.', changeId: null, status: 'INSYNC' });
  });

  it('routing-policy record sets cannot be changed; an alias set only through an alias item', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.putRecordSet(z.hostedZoneId, S3_ALIAS_SET);
    t.route53.putRecordSet(z.hostedZoneId, { name: 'geo.myapp.com.', type: 'A', ttl: 60, values: ['10.0.0.1'], routingPolicy: true });
    const e = await engineError(t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'static', recordType: 'A', values: ['10.0.0.1'] }));
    expect(e.message).toBe('recordName: static.myapp.com. A is an alias record; change it with an alias item');
    const geo = await engineError(t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'geo', recordType: 'A', alias: { target: 'd1.cloudfront.net' } }));
    expect(geo.message).toBe('recordName: geo.myapp.com. A is a routing-policy record and cannot be changed with this endpoint');
  });

  it('2 500 records reach the provider in as few change batches as its limits allow, via one streamed zone read', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.resetCalls();
    const records = Array.from({ length: 2500 }, (_, i) => ({ recordName: `r${i}`, recordType: 'A', values: ['10.0.0.1'] }));
    const res = await t.engine.dns.upsertRecords(t.owner, { ...z.path, records });
    expect("count" in res && res.count).toBe(2500);
    expect(changeCalls(t)).toHaveLength(Math.ceil(2500 / upsertsPerBatch(t)));
    // > 20 names: the zone is listed once (one page for an empty zone) instead of 2 500 targeted reads.
    expect(t.route53.calls.filter((c) => c.call === 'listRecordSets')).toHaveLength(1);
    expect(t.route53.calls.filter((c) => c.call === 'getRecordSet')).toHaveLength(0);
    expect((await t.storage.dnsRecords.listRecordSets(z.id)).length).toBe(2500);
  });

  it('a batch failing part-way answers 503 with progress; the stored copy holds what was applied', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.failNext('applyChanges', { code: 'Throttling', message: 'Rate exceeded', kind: 'throttled' }, { after: 2 });
    const records = Array.from({ length: 2500 }, (_, i) => ({ recordName: `r${i}`, recordType: 'A', values: ['10.0.0.1'] }));
    const e = await engineError(t.engine.dns.upsertRecords(t.owner, { ...z.path, records }));
    expect(e.code).toBe('PROVIDER_UNAVAILABLE');
    expect(e.retryAfter).toBe(5);
    expect(e.toBody()).toEqual({
      error: 'Failed to create DNS record',
      message: 'applyChanges failed: Throttling: Rate exceeded',
      data: { appliedChanges: 2 * upsertsPerBatch(t), totalChanges: 2500 },
    });
    expect((await t.storage.dnsRecords.listRecordSets(z.id)).length).toBe(2 * upsertsPerBatch(t));
  });

  it('a part-applied batch over existing sets stores the values that were applied, not the old ones (see docs/batching.md)', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    const records = (value: string) => Array.from({ length: 2500 }, (_, i) => ({ recordName: `r${i}`, recordType: 'A', values: [value] }));
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, records: records('10.0.0.1') });
    // Every set changes: past the safety threshold, so forced (docs/records.md#plan-before-apply).
    t.route53.failNext('applyChanges', { code: 'Throttling', message: 'Rate exceeded', kind: 'throttled' }, { after: 2 });
    const e = await engineError(t.engine.dns.upsertRecords(t.owner, { ...z.path, records: records('10.0.0.2'), force: 'true' }));
    const applied = 2 * upsertsPerBatch(t);
    expect(e.data).toEqual({ appliedChanges: applied, totalChanges: 2500 });
    const live = await t.engine.dns.listRecords(t.owner, z.path);
    const liveValues = new Map(live.data.map((r) => [r.name, r.values]));
    expect(liveValues.get('r0.myapp.com.')).toEqual(['10.0.0.2']);
    expect(liveValues.get('r2499.myapp.com.')).toEqual(['10.0.0.1']);
    for (const name of ['r0.myapp.com.', `r${applied - 1}.myapp.com.`, `r${applied}.myapp.com.`, 'r2499.myapp.com.']) {
      expect((await t.storage.dnsRecords.getRecordSet(z.id, name, 'A'))?.values, name).toEqual(liveValues.get(name));
    }
  });

  it('provider failures: 502 transient, 400 invalid input', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.failNext('applyChanges', { code: 'ServiceUnavailable', message: 'oops', kind: 'transient' });
    const e = await engineError(t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['10.0.0.1'] }));
    expect([e.code, e.error, e.message]).toEqual(['PROVIDER_FAILURE', 'Failed to create DNS record', 'applyChanges failed: ServiceUnavailable: oops']);
    t.route53.failNext('applyChanges', { code: 'InvalidChangeBatch', message: 'nope', kind: 'invalid-input' });
    const v = await engineError(t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['10.0.0.1'] }));
    expect([v.code, v.error, v.message]).toEqual(['VALIDATION', 'Validation failed', 'applyChanges failed: InvalidChangeBatch: nope']);
    expect(await t.storage.dnsRecords.getRecordSet(z.id, 'www.myapp.com.', 'A')).toBeNull();
  });

  it('Route 53 zones need the project link; Cloudflare 401 → Invalid Cloudflare token', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    await t.storage.projects.setProjectConnection({ projectId: t.project.id, connectionId: null, now: t.clock.now() });
    const body = { recordName: 'www', recordType: 'A', values: ['10.0.0.1'] };
    expect((await engineError(t.engine.dns.upsertRecords(t.owner, { ...z.path, ...body }))).error).toBe('No cloud connection');
    expect((await engineError(t.engine.dns.listRecords(t.owner, z.path))).error).toBe('No cloud connection');
    await t.linkAws({ status: 'failed' });
    expect((await engineError(t.engine.dns.upsertRecords(t.owner, { ...z.path, ...body }))).error).toBe('Cloud connection not active');

    const c = await cloudflareZone(t, 'cf.com');
    t.cloudflare.failNext('applyChanges', { code: '9109', message: 'Invalid access token', kind: 'unauthorized' });
    const e = await engineError(t.engine.dns.upsertRecords(t.owner, { ...c.path, ...body }));
    expect(e.toBody()).toEqual({ error: 'Invalid Cloudflare token', message: 'Cloudflare token verification failed: 9109: Invalid access token' });
    expect((await t.engine.dns.getZone(t.owner, c.path)).data.status).toBe('active');
  });

  it('validation happens before any provider call, with indexed paths', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.resetCalls();
    const e = await engineError(
      t.engine.dns.upsertRecords(t.owner, { ...z.path, records: [{ recordName: 'a', recordType: 'A', values: ['1.1.1.1'] }, { recordName: 'x.other.org.', recordType: 'A', values: ['1.1.1.1'] }] }),
    );
    expect(e.message).toBe('records[1].recordName: "x.other.org." is not in zone myapp.com');
    expect(t.route53.calls).toEqual([]);
  });

  it('an identical UPSERT on Cloudflare sends nothing', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    const body = { ...z.path, recordName: 'www', recordType: 'A', values: ['10.0.0.1', '10.0.0.2'], ttl: 120 };
    await t.engine.dns.upsertRecords(t.owner, body);
    t.cloudflare.resetCalls();
    const res = await t.engine.dns.upsertRecords(t.owner, { ...body, values: ['10.0.0.2', '10.0.0.1'] });
    expect(res.data).toMatchObject({ changeId: null, status: 'INSYNC' });
    expect(t.cloudflare.calls.filter((c) => c.call === 'applyChanges')).toEqual([]);
  });

  it('writes to one zone are serialised by the zone lock', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    t.route53.latencyMs = 5;
    await Promise.all(
      Array.from({ length: 4 }, (_, i) => t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: `w${i}`, recordType: 'A', values: ['10.0.0.1'] })),
    );
    expect(t.route53.maxConcurrentWrites).toBe(1);
    expect((await t.storage.dnsRecords.listRecordSets(z.id)).length).toBe(4);
  });

  it('zone lock timeout → 503 with retryAfter 5 and the operation error', async () => {
    const t = await createDnsTestbed({ zoneLockTimeoutMs: 20 });
    const z = await route53Zone(t);
    let release: () => void = () => {};
    const held = t.storage.withZoneLock(z.id, () => new Promise<void>((r) => (release = r)), { timeoutMs: 1000 });
    const e = await engineError(t.engine.dns.deleteRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['10.0.0.1'] }));
    release();
    await held;
    expect([e.code, e.error, e.retryAfter]).toEqual(['PROVIDER_UNAVAILABLE', 'Failed to delete DNS record', 5]);
  });
});

describe('dns.deleteRecords (see docs/records.md)', () => {
  it('exact match: 404 before any change call, else DELETE with the current TTL', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['10.0.0.1', '10.0.0.2'], ttl: 60 });
    t.route53.resetCalls();
    const e = await engineError(t.engine.dns.deleteRecords(t.owner, { ...z.path, recordName: 'www', recordType: 'A', values: ['10.0.0.1'] }));
    expect(e.toBody()).toEqual({ error: 'DNS record not found', message: 'No A record www.myapp.com. with exactly these values exists in this zone' });
    expect(changeCalls(t)).toEqual([]);
    const res = await t.engine.dns.deleteRecords(t.owner, { ...z.path, recordName: 'www.myapp.com.', recordType: 'A', values: ['10.0.0.2', '10.0.0.1'], ttl: 99999 });
    expect(res).toEqual({
      message: 'DNS record deleted successfully',
      data: { recordName: 'www.myapp.com.', recordType: 'A', changeId: expect.stringMatching(/^C/), status: 'PENDING' },
    });
    expect(t.route53.lookup('www.myapp.com.', 'A')).toEqual([]);
    expect(await t.storage.dnsRecords.getRecordSet(z.id, 'www.myapp.com.', 'A')).toBeNull();
  });

  it('batch delete on Cloudflare', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, records: [{ recordName: 'a', recordType: 'A', values: ['10.0.0.1'] }, { recordName: 'b', recordType: 'TXT', values: ['hi'] }] });
    const res = await t.engine.dns.deleteRecords(t.owner, { ...z.path, records: [{ recordName: 'a', recordType: 'A', values: ['10.0.0.1'] }, { recordName: 'b', recordType: 'TXT', values: ['"hi"'] }] });
    expect(res).toMatchObject({ message: 'DNS records deleted successfully', count: 2 });
    expect(t.cloudflare.recordSets(z.hostedZoneId)).toEqual([]);
  });
});

describe('dns.listRecords (see docs/records.md)', () => {
  it('lists live, omits NS/SOA, Route 53 order, alias fields', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    await t.engine.dns.upsertRecords(t.owner, { ...z.path, records: [{ recordName: '_gateways_app', recordType: 'TXT', values: ['installed'] }, { recordName: '@', recordType: 'A', values: ['192.0.2.1'] }] });
    t.route53.putRecordSet(z.hostedZoneId, S3_ALIAS_SET);
    const res = await t.engine.dns.listRecords(t.owner, z.path);
    expect(res).toEqual({
      message: 'DNS records retrieved successfully',
      count: 3,
      data: [
        { name: 'myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.1'] },
        { name: '_gateways_app.myapp.com.', type: 'TXT', ttl: 300, values: ['"installed"'] },
        {
          name: 'static.myapp.com.',
          type: 'A',
          ttl: null,
          alias: true,
          values: ['s3-website-us-east-1.amazonaws.com.'],
          aliasTarget: { hostedZoneId: 'Z3AQBSTGFYJSTF', dnsName: 's3-website-us-east-1.amazonaws.com.', evaluateTargetHealth: false },
        },
      ],
      nextCursor: null,
    });
  });

  it('provider failure → 502 Failed to list DNS records', async () => {
    const t = await createDnsTestbed();
    const z = await cloudflareZone(t);
    t.cloudflare.failNext('listRecordSets', { code: '10000', message: 'boom', kind: 'transient' });
    const e = await engineError(t.engine.dns.listRecords(t.owner, z.path));
    expect([e.code, e.error]).toEqual(['PROVIDER_FAILURE', 'Failed to list DNS records']);
  });
});
