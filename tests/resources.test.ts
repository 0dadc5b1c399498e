import { expect, it } from 'vitest';
import { CF_TOKEN, useZonePairWorld } from './dns-fixture.js';
import { describeBackends } from './harness/index.js';

/** Resource list, get, sync and delete over real HTTP (REST) and tRPC, real providers against the provider fakes. */

describeBackends('resources', (backend) => {
  const w = useZonePairWorld(backend);

  it('GET …/resources with filters and counts; same on tRPC', async () => {
    const rest = await w.server.rest('GET', `${w.base}/resources`, { token: w.token });
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({
      message: 'Project resources retrieved successfully',
      project: { id: w.projectId, slug: 'shop', name: 'Shop' },
      filters: { type: 'all', environment: 'master', region: null, status: null, state: null },
      counts: { dns: 2, total: 2 },
      count: 2,
    });
    expect(rest.body.data[0]).toMatchObject({ id: w.r53Id, resourceType: 'dns', resourceId: w.r53ZoneId, region: 'global', metadata: { provider: 'route53', dns_active: false } });
    expect(JSON.stringify(rest.body)).not.toContain(CF_TOKEN);
    expect(await w.server.trpcClient(w.token).resources.list.query(w.env)).toEqual(rest.body);
    const filtered = await w.server.rest('GET', `${w.base}/resources?type=dns&region=eu-west-1`, { token: w.token });
    expect(filtered.body).toMatchObject({ count: 0, filters: { type: 'dns', region: 'eu-west-1' }, counts: { dns: 2, total: 2 } });
    const bad = await w.server.rest('GET', `${w.base}/resources?type=widgets`, { token: w.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('Validation failed');
  });

  it('GET …/resources/:id and its errors', async () => {
    const one = await w.server.rest('GET', `${w.base}/resources/${w.cfId}`, { token: w.token });
    expect(one.body).toMatchObject({ message: 'Resource retrieved successfully', data: { id: w.cfId, resourceId: w.cfZoneId } });
    expect(await w.server.trpcClient(w.token).resources.get.query({ ...w.env, resourceId: w.cfId })).toEqual(one.body);
    const bad = await w.server.rest('GET', `${w.base}/resources/x1`, { token: w.token });
    expect([bad.status, bad.body]).toEqual([400, { error: 'Invalid resource ID', message: 'Resource ID must be a positive integer' }]);
    expect((await w.server.rest('GET', `${w.base}/resources/777`, { token: w.token })).status).toBe(404);
  });

  it('PUT …/sync resolves _gateways_app and refreshes the stored copy', async () => {
    w.r53.seed(w.r53ZoneId, [{ name: 'legacy.myapp.com.', type: 'A', ttl: 60, values: ['10.1.1.1'] }]);
    const off = await w.server.rest('PUT', `${w.base}/resources/${w.r53Id}/sync`, { token: w.token });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ message: 'DNS not verified (Gateways TXT record not found)', data: { id: w.r53Id, resourceId: w.r53ZoneId, dns_active: false, domainChecked: 'myapp.com' } });
    const stored = (await w.server.peek.rows('dns_records')).filter((r) => Number(r.zone_resource_id) === w.r53Id);
    expect(stored.map((r) => r.name)).toEqual(['legacy.myapp.com.']);
    expect([false, 0]).toContain(stored[0]?.managed);
    w.resolver.setTxt('_gateways_app.myapp.com', [['installed']]);
    const on = await w.server.trpcClient(w.token).resources.sync.mutate({ ...w.env, resourceId: w.r53Id });
    expect(on).toMatchObject({ message: 'DNS verified (Gateways TXT record present)', data: { dns_active: true } });
    expect((await w.server.rest('GET', `${w.base}/dns/${w.r53Id}`, { token: w.token })).body.data.metadata).toEqual({ dns_active: true, adopted: false });
  });

  it('DELETE Cloudflare zone: only our records go, the zone stays', async () => {
    await w.server.rest('POST', `${w.base}/dns/${w.cfId}/records`, { token: w.token, body: { recordName: 'ours', recordType: 'TXT', values: ['x'] } });
    w.cf.seed(w.cfZoneId, [{ name: 'theirs.cf.example', type: 'A', ttl: 1, content: '10.0.0.9', proxied: false }]);
    const res = await w.server.rest('DELETE', `${w.base}/resources/${w.cfId}`, { token: w.token });
    expect(res.body).toEqual({ message: 'Resource deleted successfully', data: { id: w.cfId, resourceType: 'dns' } });
    expect(w.cf.records(w.cfZoneId).map((r) => r.name)).toEqual(['theirs.cf.example']);
    expect(w.cf.zones.has(w.cfZoneId)).toBe(true);
    const row = (await w.server.peek.rows('resources')).find((r) => Number(r.id) === w.cfId);
    expect(row).toMatchObject({ status: 'deleted' });
  });

  it('DELETE Route 53 zone empties and deletes the hosted zone; sync of a vanished zone', async () => {
    const failed = await w.server.rest('DELETE', `${w.base}/resources/${w.r53Id}?deleteFromCloud=maybe`, { token: w.token });
    expect(failed.status).toBe(400);
    const before = w.r53.counts.DeleteHostedZone;
    w.r53.failNext('DeleteHostedZone', { status: 500, code: 'InternalFailure', message: 'boom', times: 5 });
    const outage = await w.server.rest('DELETE', `${w.base}/resources/${w.r53Id}`, { token: w.token });
    expect([outage.status, outage.body.error]).toEqual([502, 'Failed to delete hosted zone']);
    // The provider retried the transient failure up to the budget (see docs/batching.md), then gave up.
    expect(w.r53.counts.DeleteHostedZone - before).toBe(5);
    expect((await w.server.rest('GET', `${w.base}/resources/${w.r53Id}`, { token: w.token })).status).toBe(200);
    const res = await w.server.trpcClient(w.token).resources.delete.mutate({ ...w.env, resourceId: w.r53Id });
    expect(res).toEqual({ message: 'Resource deleted successfully', data: { id: w.r53Id, resourceType: 'dns' } });
    expect(w.r53.zones.has(w.r53ZoneId)).toBe(false);

    // A zone deleted outside the product: sync marks it deleted and answers 404 with data.
    const again = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'again', domainName: 'myapp.com' } });
    w.r53.zones.delete(again.body.data.hostedZoneId);
    const sync = await w.server.rest('PUT', `${w.base}/resources/${again.body.data.id}/sync`, { token: w.token });
    expect(sync.status).toBe(404);
    expect(sync.body).toEqual({
      error: 'DNS zone not found in provider',
      message: `Hosted zone ${again.body.data.hostedZoneId} was not found in route53. It may have been deleted.`,
      data: { id: again.body.data.id, resourceId: again.body.data.hostedZoneId, status: 'deleted', synced: true },
    });
    expect((await w.server.rest('GET', `${w.base}/dns/${again.body.data.id}`, { token: w.token })).status).toBe(404);
  });
});
