import { expect, it } from 'vitest';
import { CF_TOKEN, useZonePairWorld } from './dns-fixture.js';
import { describeBackends } from './harness/index.js';

/** DNS record writes and listings (docs/records.md) over real HTTP (REST) and tRPC, real providers against the provider fakes. */

describeBackends('DNS records', (backend) => {
  const w = useZonePairWorld(backend);

  it('POST single form (200) reaches Route 53 and the stored copy', async () => {
    const res = await w.server.rest('POST', `${w.base}/dns/${w.r53Id}/records`, {
      token: w.token,
      body: { recordName: 'www.myapp.com', recordType: 'A', values: ['192.0.2.1'], ttl: 300 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      message: 'DNS record created successfully',
      data: { recordName: 'www.myapp.com.', recordType: 'A', values: ['192.0.2.1'], ttl: 300, changeId: expect.stringMatching(/^C/), status: 'PENDING' },
    });
    expect(w.r53.recordSets(w.r53ZoneId).find((s) => s.name === 'www.myapp.com.' && s.type === 'A')?.values).toEqual(['192.0.2.1']);
    const stored = (await w.server.peek.rows('dns_records')).filter((r) => Number(r.zone_resource_id) === w.r53Id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name: 'www.myapp.com.', type: 'A' });
    expect([true, 1]).toContain(stored[0]?.managed);
  });

  it('batch form over tRPC; GET …/records lists live in Route 53 order on both transports', async () => {
    const res = await w.server.trpcClient(w.token).dns.upsertRecords.mutate({
      ...w.env,
      id: w.r53Id,
      records: [
        { recordName: '@', recordType: 'MX', values: ['10 mail.myapp.com'] },
        { recordName: '_gateways_app', recordType: 'TXT', values: ['installed'] },
        { recordName: 'api', recordType: 'CNAME', values: ['lb.example.net'] },
      ],
    });
    expect(res).toMatchObject({ message: 'DNS records created successfully', count: 3 });
    const rest = await w.server.rest('GET', `${w.base}/dns/${w.r53Id}/records`, { token: w.token });
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual({
      message: 'DNS records retrieved successfully',
      count: 4,
      data: [
        { name: 'myapp.com.', type: 'MX', ttl: 300, values: ['10 mail.myapp.com.'] },
        { name: '_gateways_app.myapp.com.', type: 'TXT', ttl: 300, values: ['"installed"'] },
        { name: 'api.myapp.com.', type: 'CNAME', ttl: 300, values: ['lb.example.net.'] },
        { name: 'www.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.1'] },
      ],
      nextCursor: null,
    });
    expect(await w.server.trpcClient(w.token).dns.listRecords.query({ ...w.env, id: w.r53Id })).toEqual(rest.body);
  });

  it('rules: CNAME exclusivity, apex CNAME, NS refused, indexed paths', async () => {
    const post = (body: unknown) => w.server.rest('POST', `${w.base}/dns/${w.r53Id}/records`, { token: w.token, body });
    const excl = await post({ recordName: 'www', recordType: 'CNAME', values: ['x.example.net'] });
    expect(excl.status).toBe(400);
    expect(excl.body.message).toBe('recordName: www.myapp.com. already has A records; a CNAME cannot coexist with other records');
    expect((await post({ recordName: '@', recordType: 'CNAME', values: ['x.example.net'] })).body.message).toBe('recordName: CNAME is not allowed at the zone apex on Route 53');
    expect((await post({ recordName: 'x', recordType: 'NS', values: ['ns1.example.net'] })).body.message).toBe('recordType: NS records are managed automatically');
    const batch = await post({ records: [{ recordName: 'a', recordType: 'A', values: ['1.1.1.1'] }, { recordName: 'b', recordType: 'A', values: ['1.1.1.1', '999.1.1.1'] }] });
    expect(batch.body.details).toEqual([{ path: 'records[1].values[1]', message: '"999.1.1.1" is not a valid IPv4 address' }]);
  });

  it('DELETE: exact match or 404 before any change call; then deleted', async () => {
    const changesBefore = w.r53.counts.ChangeResourceRecordSets;
    const miss = await w.server.rest('DELETE', `${w.base}/dns/${w.r53Id}/records`, {
      token: w.token,
      body: { recordName: 'www', recordType: 'A', values: ['192.0.2.9'] },
    });
    expect(miss.status).toBe(404);
    expect(miss.body).toEqual({ error: 'DNS record not found', message: 'No A record www.myapp.com. with exactly these values exists in this zone' });
    expect(w.r53.counts.ChangeResourceRecordSets).toBe(changesBefore);
    const ok = await w.server.rest('DELETE', `${w.base}/dns/${w.r53Id}/records`, { token: w.token, body: { recordName: 'www', recordType: 'A', values: ['192.0.2.1'] } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ message: 'DNS record deleted successfully', data: { recordName: 'www.myapp.com.', recordType: 'A', changeId: expect.stringMatching(/^C/), status: 'PENDING' } });
    expect(w.r53.recordSets(w.r53ZoneId).some((s) => s.name === 'www.myapp.com.')).toBe(false);
    const viaTrpc = await w.server.trpcClient(w.token).dns.deleteRecords.mutate({ ...w.env, id: w.r53Id, records: [{ recordName: 'api', recordType: 'CNAME', values: ['lb.example.net.'] }] });
    expect(viaTrpc).toMatchObject({ message: 'DNS records deleted successfully', count: 1 });
  });

  it('Cloudflare: DNS-only records, INSYNC, grouped listing', async () => {
    const res = await w.server.rest('POST', `${w.base}/dns/${w.cfId}/records`, { token: w.token, body: { recordName: '@', recordType: 'A', values: ['10.0.0.1', '10.0.0.2'], ttl: 1 } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ recordName: 'cf.example.', changeId: null, status: 'INSYNC' });
    const records = w.cf.records(w.cfZoneId);
    expect(records).toHaveLength(2);
    expect(records.every((r) => r.proxied === false)).toBe(true);
    const list = await w.server.rest('GET', `${w.base}/dns/${w.cfId}/records`, { token: w.token });
    expect(list.body.data).toEqual([{ name: 'cf.example.', type: 'A', ttl: 1, values: ['10.0.0.1', '10.0.0.2'], proxied: false }]);
  });

  it('Cloudflare token revoked later → 400 Invalid Cloudflare token; zone stays active', async () => {
    const token = w.cf.tokens.get(CF_TOKEN);
    w.cf.tokens.delete(CF_TOKEN);
    try {
      const res = await w.server.rest('GET', `${w.base}/dns/${w.cfId}/records`, { token: w.token });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('Invalid Cloudflare token');
    } finally {
      if (token) w.cf.tokens.set(CF_TOKEN, token);
    }
    expect((await w.server.rest('GET', `${w.base}/dns/${w.cfId}`, { token: w.token })).body.data.status).toBe('active');
  });

  it('provider throttling beyond the retry budget → 503 with Retry-After', async () => {
    w.r53.failNext('ChangeResourceRecordSets', { status: 400, code: 'Throttling', message: 'Rate exceeded', times: 20 });
    const res = await w.server.rest('POST', `${w.base}/dns/${w.r53Id}/records`, { token: w.token, body: { recordName: 't', recordType: 'A', values: ['10.0.0.1'] } });
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('Failed to create DNS record');
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
