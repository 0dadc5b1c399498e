import { expect, it } from 'vitest';
import { useZonePairWorld } from './dns-fixture.js';
import { describeBackends, trpcFailure } from './harness/index.js';

/**
 * Plan before apply over real HTTP (REST) and tRPC (docs/records.md#plan-before-apply): `dryRun`
 * and `force` as query parameters, in a POST body and as tRPC input; the 200 plan answer (also where
 * the real run answers 201); the 409 `Too many changes` body. Real providers against the fakes.
 */

describeBackends('DNS dry runs and the safety threshold', (backend) => {
  const w = useZonePairWorld(backend);

  const storedOf = async (zoneId: number) => (await w.server.peek.rows('dns_records')).filter((r) => Number(r.zone_resource_id) === zoneId).length;

  it('?dryRun=true and {dryRun:true} in a POST body answer the plan with 200 and write nothing', async () => {
    const body = { records: [{ recordName: 'www', recordType: 'A', values: ['192.0.2.1'] }, { recordName: 'api', recordType: 'A', values: ['192.0.2.2'] }] };
    const calls = w.r53.counts.ChangeResourceRecordSets;
    for (const [path, sent] of [[`${w.base}/dns/${w.r53Id}/records?dryRun=true`, body], [`${w.base}/dns/${w.r53Id}/records`, { ...body, dryRun: true }]] as const) {
      const res = await w.server.rest('POST', path, { token: w.token, body: sent });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        message: 'Dry run: no changes were made',
        dryRun: true,
        data: {
          changes: [
            { action: 'create', recordName: 'www.myapp.com.', recordType: 'A', old: null, new: { ttl: 300, values: ['192.0.2.1'] } },
            { action: 'create', recordName: 'api.myapp.com.', recordType: 'A', old: null, new: { ttl: 300, values: ['192.0.2.2'] } },
          ],
          providerCalls: [{ call: 'ChangeResourceRecordSets', changes: [0, 1] }],
          summary: { create: 2, update: 0, delete: 0, unchanged: 0 },
        },
      });
    }
    expect(w.r53.counts.ChangeResourceRecordSets).toBe(calls);
    expect(w.r53.recordSets(w.r53ZoneId).filter((s) => s.type === 'A')).toEqual([]);
    expect(await storedOf(w.r53Id)).toBe(0);
  });

  it('anything but true/false is a 400 naming the field', async () => {
    const res = await w.server.rest('POST', `${w.base}/dns/${w.r53Id}/records?dryRun=yes`, { token: w.token, body: { recordName: 'x', recordType: 'A', values: ['192.0.2.9'] } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Validation failed', message: 'dryRun: must be true or false' });
    const forced = await w.server.rest('DELETE', `${w.base}/dns/${w.r53Id}/records?force=1`, { token: w.token, body: { recordName: 'x', recordType: 'A', values: ['192.0.2.9'] } });
    expect(forced.status).toBe(400);
    expect(forced.body).toMatchObject({ message: 'force: must be true or false' });
  });

  it('refuses with 409 Too many changes past the threshold; force=true passes (REST and tRPC)', async () => {
    const records = Array.from({ length: 12 }, (_, i) => ({ recordName: `h${i}`, recordType: 'A', values: [`192.0.2.${i + 10}`] }));
    expect((await w.server.rest('POST', `${w.base}/dns/${w.cfId}/records`, { token: w.token, body: { records } })).status).toBe(200);
    const four = records.slice(0, 4);
    const refused = await w.server.rest('DELETE', `${w.base}/dns/${w.cfId}/records`, { token: w.token, body: { records: four } });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: 'Too many changes',
      message: "This write would update or delete 4 of the zone's 12 record sets, more than 30%; repeat it with force=true to apply it anyway",
      data: { update: 0, delete: 4, existingRecordSets: 12, thresholdPercent: 30, minExistingRecordSets: 10 },
    });
    expect(w.cf.records(w.cfZoneId).filter((r) => r.type === 'A')).toHaveLength(12);
    // The dry run tells, with 200.
    const dry = await w.server.rest('DELETE', `${w.base}/dns/${w.cfId}/records?dryRun=true`, { token: w.token, body: { records: four } });
    expect(dry.status).toBe(200);
    expect(dry.body.data.safety).toEqual({ thresholdPercent: 30, minExistingRecordSets: 10, applies: true, wouldRefuse: true, force: false });
    const client = w.server.trpcClient(w.token);
    expect(await trpcFailure(client.dns.deleteRecords.mutate({ ...w.env, id: w.cfId, records: four }))).toMatchObject({ error: 'Too many changes' });
    const planned = await client.dns.deleteRecords.mutate({ ...w.env, id: w.cfId, records: four, dryRun: true });
    expect(planned).toMatchObject({ dryRun: true, data: { summary: { delete: 4 } } });
    const batches = w.cf.counts['records.batch'];
    await client.dns.deleteRecords.mutate({ ...w.env, id: w.cfId, records: four, force: true });
    expect(w.cf.counts['records.batch'] - batches).toBe((planned as { data: { providerCalls: unknown[] } }).data.providerCalls.length);
    expect(w.cf.records(w.cfZoneId).filter((r) => r.type === 'A')).toHaveLength(8);
  });

  it('a connect dry run answers 200 (a connect answers 201) and stores no connection', async () => {
    const sub = await w.server.rest('POST', `${w.base}/subdomains`, { token: w.token, body: { zoneId: w.r53Id, name: 'app' } });
    const host = await w.server.rest('POST', `${w.base}/resources`, { token: w.token, body: { resourceType: 'instance', name: 'web', dnsTarget: { addresses: ['192.0.2.50'] } } });
    const body = { sourceId: sub.body.data.id, targetId: host.body.data.id };
    const dry = await w.server.rest('POST', `${w.base}/resource-connections?dryRun=true`, { token: w.token, body });
    expect(dry.status).toBe(200);
    expect(dry.body.data.changes.map((c: { action: string; recordName: string }) => `${c.action} ${c.recordName}`)).toEqual(['create app.myapp.com.', 'create _gateways_app.app.myapp.com.']);
    expect((await w.server.rest('GET', `${w.base}/resource-connections`, { token: w.token })).body.count).toBe(0);
    const real = await w.server.rest('POST', `${w.base}/resource-connections`, { token: w.token, body });
    expect(real.status).toBe(201);
  });
});
