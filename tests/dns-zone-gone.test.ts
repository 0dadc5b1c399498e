import { waitFor } from '../test-support/wait.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCloudflareProvider } from '@cloudlink/providers/cloudflare';
import { CF_TOKEN, startDnsWorld, type DnsWorld } from './dns-fixture.js';
import { describeBackends, startTestServer, type TestServer } from './harness/index.js';

/**
 * Operations queued on a zone's lock behind `DELETE …?deleteFromCloud=true` must find the zone gone
 * once the lock is theirs: 404 `DNS zone not found`, and nothing sent to the provider. On Postgres
 * the queued requests go to a second app instance on the same database (the advisory lock is
 * shared); on SQLite they share the one instance.
 */
describeBackends('DNS operations queued behind a zone delete', (backend) => {
  let w: DnsWorld;
  let other: TestServer;

  beforeAll(async () => {
    w = await startDnsWorld(backend);
    other =
      backend === 'postgres'
        ? await startTestServer({
            backend,
            attachTo: w.server,
            providers: { dns: { cloudflare: createCloudflareProvider({ baseUrl: w.cf.baseUrl, timeoutMs: 5000 }) } },
          })
        : w.server;
  });
  afterAll(async () => {
    if (other !== w.server) await other.close();
    await w.close();
  });

  it('answers 404 to a record write, a record delete and a sync that waited for the delete', async () => {
    const cfZone = w.cf.addZone('gone.example', [CF_TOKEN]);
    const zone = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'gone', domainName: 'gone.example', cloudflareApiToken: CF_TOKEN } });
    expect(zone.status).toBe(201);
    const id = zone.body.data.id as number;
    const token = w.token;
    const record = { recordName: 'keep', recordType: 'A', values: ['192.0.2.1'] };
    expect((await w.server.rest('POST', `${w.base}/dns/${id}/records`, { token: w.token, body: record })).status).toBe(200);

    // The delete's batch call is held at the provider, so the delete keeps the lock while the others queue.
    w.cf.fault({ match: (r) => r.method === 'POST' && r.url.endsWith('/dns_records/batch'), delayMs: 1500 });
    const before = { ...w.cf.counts };
    const isBatch = (r: { method: string; url: string }) => r.method === 'POST' && r.url.endsWith('/dns_records/batch');
    const batchesSent = w.cf.requests.filter(isBatch).length;
    const deleting = w.server.rest('DELETE', `${w.base}/resources/${id}?deleteFromCloud=true`, { token: w.token });
    await waitFor(() => w.cf.requests.filter(isBatch).length === batchesSent + 1, 'the held batch');
    const queued = await Promise.all([
      other.rest('POST', `${w.base}/dns/${id}/records`, { token, body: { recordName: 'late', recordType: 'A', values: ['192.0.2.9'] } }),
      other.rest('DELETE', `${w.base}/dns/${id}/records`, { token, body: record }),
      other.rest('PUT', `${w.base}/resources/${id}/sync`, { token }),
      deleting,
    ]);
    expect(queued[3].status).toBe(200);
    for (const res of queued.slice(0, 3)) {
      expect(res.status, JSON.stringify(res.body)).toBe(404);
      expect(res.body).toEqual({ error: 'DNS zone not found', message: 'The specified DNS zone does not exist' });
    }
    // Only the delete reached the provider: one batch call, no zone read, and nothing of ours is left.
    expect(w.cf.counts['records.batch'] - before['records.batch']).toBe(1);
    expect(w.cf.counts['zones.get'] - before['zones.get']).toBe(0);
    expect(w.cf.records(cfZone.id)).toEqual([]);
  });
});
