import { expect, it } from 'vitest';
import { useZonePairWorld } from './dns-fixture.js';
import { describeBackends, trpcFailure } from './harness/index.js';

/**
 * Alias items (Route 53) and proxied records (Cloudflare) through `…/dns/:id/records`
 * (docs/records.md#alias-items, docs/records.md#proxied-records) over real HTTP (REST) and tRPC, the
 * real providers against the provider fakes.
 */

const ALB = 'my-alb-1234.us-east-1.elb.amazonaws.com';

describeBackends('DNS records: alias items and proxied', (backend) => {
  const w = useZonePairWorld(backend);

  const records = (id: number, method: 'POST' | 'DELETE', body: unknown) => w.server.rest(method, `${w.base}/dns/${id}/records`, { token: w.token, body });

  it('alias items and plain items go to Route 53 in one ChangeResourceRecordSets call; answers show the alias', async () => {
    const before = w.r53.counts.ChangeResourceRecordSets;
    const res = await records(w.r53Id, 'POST', {
      records: [
        { recordName: '@', recordType: 'A', alias: { target: ALB } },
        { recordName: 'cdn', recordType: 'AAAA', alias: { target: 'D111.cloudfront.net.', hostedZoneId: 'Z2FDTNDATAQYW2', evaluateTargetHealth: true } },
        { recordName: 'origin', recordType: 'A', values: ['192.0.2.10'] },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { recordName: 'myapp.com.', recordType: 'A', alias: { target: `${ALB}.`, hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: false }, ttl: null, changeId: expect.stringMatching(/^C/), status: 'PENDING' },
      { recordName: 'cdn.myapp.com.', recordType: 'AAAA', alias: { target: 'd111.cloudfront.net.', hostedZoneId: 'Z2FDTNDATAQYW2', evaluateTargetHealth: true }, ttl: null, changeId: expect.stringMatching(/^C/), status: 'PENDING' },
      { recordName: 'origin.myapp.com.', recordType: 'A', values: ['192.0.2.10'], ttl: 300, changeId: expect.stringMatching(/^C/), status: 'PENDING' },
    ]);
    expect(w.r53.counts.ChangeResourceRecordSets - before).toBe(1);
    expect(new Set(res.body.data.map((d: { changeId: string }) => d.changeId)).size).toBe(1);
    const apex = w.r53.recordSets(w.r53ZoneId).find((s) => s.name === 'myapp.com.' && s.type === 'A');
    expect(apex?.aliasTarget).toEqual({ hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: `${ALB}.`, evaluateTargetHealth: false });
    const list = await w.server.rest('GET', `${w.base}/dns/${w.r53Id}/records`, { token: w.token });
    expect(list.body.data).toContainEqual({
      name: 'myapp.com.', type: 'A', ttl: null, alias: true, values: [`${ALB}.`], aliasTarget: { hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: `${ALB}.`, evaluateTargetHealth: false },
    });
    expect(list.body.data).toContainEqual({ name: 'origin.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.10'] });
  });

  it('over tRPC: an alias to a name in the zone (this zone id), re-pointed, then deleted by its exact target', async () => {
    const trpc = w.server.trpcClient(w.token);
    const one = await trpc.dns.upsertRecords.mutate({ ...w.env, id: w.r53Id, recordName: 'app', recordType: 'A', alias: { target: 'origin.myapp.com' } });
    expect(one.data).toMatchObject({ recordName: 'app.myapp.com.', alias: { target: 'origin.myapp.com.', hostedZoneId: w.r53ZoneId, evaluateTargetHealth: false }, ttl: null });
    await trpc.dns.upsertRecords.mutate({ ...w.env, id: w.r53Id, recordName: 'app', recordType: 'A', alias: { target: ALB, hostedZoneId: 'Z35SXDOTRQ7X7K' } });
    expect(w.r53.recordSets(w.r53ZoneId).find((s) => s.name === 'app.myapp.com.')?.aliasTarget?.dnsName).toBe(`${ALB}.`);
    const miss = await trpcFailure(trpc.dns.deleteRecords.mutate({ ...w.env, id: w.r53Id, recordName: 'app', recordType: 'A', alias: { target: 'origin.myapp.com' } }));
    expect(miss).toMatchObject({ error: 'DNS record not found' });
    const del = await trpc.dns.deleteRecords.mutate({ ...w.env, id: w.r53Id, recordName: 'app', recordType: 'A', alias: { target: ALB } });
    expect(del).toMatchObject({ message: 'DNS record deleted successfully', data: { recordName: 'app.myapp.com.', recordType: 'A' } });
    expect(w.r53.recordSets(w.r53ZoneId).find((s) => s.name === 'app.myapp.com.')).toBeUndefined();
    const stored = (await w.server.peek.rows('dns_records')).filter((r) => Number(r.zone_resource_id) === w.r53Id).map((r) => r.name);
    expect(stored).not.toContain('app.myapp.com.');
  });

  it('alias rules: 400 naming the field, the whole batch checked before any provider call', async () => {
    const before = { ...w.r53.counts };
    const res = await records(w.r53Id, 'POST', {
      records: [
        { recordName: 'ok', recordType: 'A', values: ['192.0.2.1'] },
        { recordName: 'a', recordType: 'A', alias: { target: ALB, hostedZoneId: 'Z1H1FL5HABSF5' } },
        { recordName: 'b', recordType: 'A', values: ['192.0.2.1'], alias: { target: ALB } },
        { recordName: 'c', recordType: 'TXT', alias: { target: ALB } },
        { recordName: 'd', recordType: 'A', alias: { target: 'lb.example.net' } },
        { recordName: 'e', recordType: 'A', values: ['192.0.2.1'], proxied: true },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Validation failed', message: 'records[1].alias.hostedZoneId: must be Z35SXDOTRQ7X7K for a load balancer in us-east-1' });
    expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(['records[1].alias.hostedZoneId', 'records[2].alias', 'records[3].alias', 'records[4].alias.target', 'records[5].proxied']);
    expect(w.r53.counts).toEqual(before);
    // Routing-policy sets stay unchangeable; a plain set does not become an alias.
    w.r53.seed(w.r53ZoneId, [{ name: 'geo.myapp.com.', type: 'A', ttl: 60, values: ['192.0.2.5'], setIdentifier: 'eu', region: 'eu-west-1' } as never]);
    const geo = await records(w.r53Id, 'POST', { recordName: 'geo', recordType: 'A', alias: { target: ALB } });
    expect(geo.body.message).toBe('recordName: geo.myapp.com. A is a routing-policy record and cannot be changed with this endpoint');
    const plain = await records(w.r53Id, 'POST', { recordName: 'origin', recordType: 'A', alias: { target: ALB } });
    expect(plain.body.message).toBe('recordName: origin.myapp.com. A has values; delete it before writing an alias');
    const cf = await records(w.cfId, 'POST', { recordName: 'x', recordType: 'A', alias: { target: ALB } });
    expect([cf.status, cf.body.message]).toEqual([400, 'alias: alias records exist only in Route 53 zones']);
  });

  it('Cloudflare: proxied A/CNAME reach the API with proxied true and TTL automatic; the listing shows proxied on every set', async () => {
    const res = await records(w.cfId, 'POST', {
      records: [
        { recordName: 'www', recordType: 'A', values: ['192.0.2.1'], proxied: true },
        { recordName: 'api', recordType: 'CNAME', values: ['lb.example.net'], proxied: true },
        { recordName: 'plain', recordType: 'A', values: ['192.0.2.2'] },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { recordName: 'www.cf.example.', recordType: 'A', values: ['192.0.2.1'], ttl: 1, proxied: true, changeId: null, status: 'INSYNC' },
      { recordName: 'api.cf.example.', recordType: 'CNAME', values: ['lb.example.net.'], ttl: 1, proxied: true, changeId: null, status: 'INSYNC' },
      { recordName: 'plain.cf.example.', recordType: 'A', values: ['192.0.2.2'], ttl: 300, proxied: false, changeId: null, status: 'INSYNC' },
    ]);
    const held = w.cf.records(w.cfZoneId);
    expect(held.find((r) => r.name === 'www.cf.example')).toMatchObject({ proxied: true, ttl: 1 });
    expect(held.find((r) => r.name === 'plain.cf.example')?.proxied ?? false).toBe(false);
    const list = await w.server.trpcClient(w.token).dns.listRecords.query({ ...w.env, id: w.cfId });
    expect(list.data.map((r: { name: string; proxied?: boolean }) => [r.name, r.proxied])).toEqual([
      ['api.cf.example.', true],
      ['plain.cf.example.', false],
      ['www.cf.example.', true],
    ]);
  });

  it('Cloudflare: an identical UPSERT sends nothing, switching proxied off is sent', async () => {
    const before = w.cf.counts['records.batch'];
    await records(w.cfId, 'POST', { recordName: 'www', recordType: 'A', values: ['192.0.2.1'], proxied: true });
    expect(w.cf.counts['records.batch']).toBe(before);
    // Same values and TTL: only proxied differs.
    const off = await records(w.cfId, 'POST', { recordName: 'www', recordType: 'A', values: ['192.0.2.1'], ttl: 1 });
    expect(off.body.data).toMatchObject({ proxied: false, ttl: 1 });
    expect(w.cf.counts['records.batch']).toBe(before + 1);
    expect(w.cf.records(w.cfZoneId).find((r) => r.name === 'www.cf.example')?.proxied ?? false).toBe(false);
  });

  it('Cloudflare: refused on types it cannot proxy; proxied refused on Route 53 (REST and tRPC)', async () => {
    const mx = await records(w.cfId, 'POST', { records: [{ recordName: '@', recordType: 'A', values: ['192.0.2.9'] }, { recordName: '@', recordType: 'MX', values: ['10 mail.cf.example'], proxied: true }] });
    expect([mx.status, mx.body.message]).toEqual([400, 'records[1].proxied: MX records cannot be proxied']);
    expect(w.cf.records(w.cfZoneId).some((r) => r.name === 'cf.example')).toBe(false);
    const r53 = await trpcFailure(w.server.trpcClient(w.token).dns.upsertRecords.mutate({ ...w.env, id: w.r53Id, recordName: 'p', recordType: 'A', values: ['192.0.2.1'], proxied: true }));
    expect(r53).toEqual({ error: 'Validation failed', message: 'proxied: applies only to Cloudflare zones', details: [{ path: 'proxied', message: 'applies only to Cloudflare zones' }] });
  });
});
