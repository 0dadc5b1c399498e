import v8 from 'node:v8';
import vm from 'node:vm';
import { beforeAll, expect, it } from 'vitest';
import { CF_TOKEN, useDnsWorld } from './dns-fixture.js';
import { describeBackends } from './harness/index.js';

/**
 * A zone of 5 000 record sets imports, lists and syncs (see docs/batching.md): listings are streamed page by
 * page and the stored copy lives in the database, so the process keeps nothing of the zone once a
 * request is done. Heap is measured after a forced GC; the bound is generous (the records
 * themselves are well under 5 MB) but far below what a leak of the zone per request would cost
 * over the repeated runs below.
 */

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const SETS = 5000;
const MB = 1024 * 1024;

describeBackends('large zone (5 000 record sets)', (backend) => {
  const w = useDnsWorld(backend);
  beforeAll(async () => {
    await w.linkAws();
  });

  it('Route 53: lists and syncs 5 000 sets with bounded memory', async () => {
    const zone = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'big', domainName: 'big.com' } });
    expect(zone.status).toBe(201);
    const id = zone.body.data.id as number;
    w.r53.seed(
      zone.body.data.hostedZoneId,
      Array.from({ length: SETS }, (_, i) => ({ name: `host-${i}.big.com.`, type: 'TXT', ttl: 300, values: [`"v=${'x'.repeat(100)}-${i}"`] })),
    );
    const list = await w.server.rest('GET', `${w.base}/dns/${id}/records`, { token: w.token });
    expect(list.body.count).toBe(SETS);

    const before = heapAfterGc();
    for (let round = 0; round < 3; round++) {
      const sync = await w.server.rest('PUT', `${w.base}/resources/${id}/sync`, { token: w.token });
      expect(sync.status).toBe(200);
    }
    const grown = heapAfterGc() - before;
    expect(grown).toBeLessThan(24 * MB);
    const stored = (await w.server.peek.rows('dns_records')).filter((r) => Number(r.zone_resource_id) === id);
    expect(stored).toHaveLength(SETS);
  }, 120_000);

  it('Cloudflare: imports a zone holding 5 000 records and syncs it with bounded memory', async () => {
    const cfZone = w.cf.addZone('bigcf.com', [CF_TOKEN]);
    w.cf.seed(
      cfZone.id,
      Array.from({ length: SETS }, (_, i) => ({ name: `host-${i}.bigcf.com`, type: 'A', ttl: 1, content: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, proxied: false })),
    );
    const before = heapAfterGc();
    const zone = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'bigcf', domainName: 'bigcf.com', cloudflareApiToken: CF_TOKEN } });
    expect(zone.status).toBe(201);
    const sync = await w.server.rest('PUT', `${w.base}/resources/${zone.body.data.id}/sync`, { token: w.token });
    expect(sync.status).toBe(200);
    const grown = heapAfterGc() - before;
    expect(grown).toBeLessThan(24 * MB);
    const stored = (await w.server.peek.rows('dns_records')).filter((r) => Number(r.zone_resource_id) === zone.body.data.id);
    expect(stored).toHaveLength(SETS);
    expect(stored.every((r) => r.managed === false || r.managed === 0)).toBe(true);
  }, 120_000);
});
