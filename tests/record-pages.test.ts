import { afterAll, beforeAll, expect, it } from 'vitest';
import { CF_TOKEN, startDnsWorld, type DnsWorld } from './dns-fixture.js';
import { describeBackends } from './harness/index.js';

/**
 * The live record listing pages through the REAL providers against the HTTP fakes: Route 53 starts
 * at the cursor and stops at the limit (counted in ListResourceRecordSets pages the fake served),
 * Cloudflare streams the zone and returns the same pages; both over REST and tRPC.
 */
const SETS = 3000;
const cfName = (i: number) => `h${i % 150}.${i % 7 ? 'x.' : ''}cfbig.com`;
/** 400 Cloudflare records, several values per name: this many record sets. */
const CF_NAMES = new Set(Array.from({ length: 400 }, (_, i) => cfName(i)));
type Listed = { name: string; type: string; values: string[] };

describeBackends('record pages', (backend) => {
  let w: DnsWorld;
  let r53Id: number;
  let cfId: number;
  beforeAll(async () => {
    w = await startDnsWorld(backend);
    await w.linkAws();
    const zone = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'big', domainName: 'big.com' } });
    r53Id = zone.body.data.id;
    w.r53.seed(zone.body.data.hostedZoneId, [
      ...Array.from({ length: SETS }, (_, i) => ({ name: `host-${i}.${i % 2 ? 'odd.' : ''}big.com.`, type: i % 5 ? 'A' : 'TXT', ttl: 300, values: [i % 5 ? '192.0.2.1' : `"t${i}"`] })),
      // Weighted variants of one name and type: one key, never split across pages.
      ...['one', 'two', 'three'].map((id, i) => ({ name: 'g.big.com.', type: 'A', ttl: 60, values: [`192.0.2.${i + 10}`], setIdentifier: id, weight: i + 1 })),
    ]);
    const cfZone = w.cf.addZone('cfbig.com', [CF_TOKEN]);
    w.cf.seed(
      cfZone.id,
      Array.from({ length: 400 }, (_, i) => ({ name: cfName(i), type: 'A', ttl: 1, content: `10.0.${i >> 8}.${i & 255}`, proxied: false })),
    );
    const cf = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'cfbig', domainName: 'cfbig.com', cloudflareApiToken: CF_TOKEN } });
    cfId = cf.body.data.id;
  }, 120_000);
  afterAll(() => w.close());

  const list = async (id: number, query = '') => {
    const res = await w.server.rest('GET', `${w.base}/dns/${id}/records${query}`, { token: w.token });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    return res.body as { count: number; data: Listed[]; nextCursor: string | null };
  };
  async function walk(id: number, limit: number) {
    const out: Listed[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(id, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      out.push(...page.data);
      sizes.push(page.count);
      cursor = page.nextCursor;
    } while (cursor);
    return { out, sizes };
  }
  const keys = (sets: Listed[]) => sets.map((s) => `${s.name} ${s.type} ${s.values.join(',')}`);

  it('Route 53: a small page of a large zone reads only the pages it needs, from the cursor on', async () => {
    const before = w.r53.counts.ListResourceRecordSets;
    const first = await list(r53Id, '?limit=10');
    expect(new Set(first.data.map((s) => `${s.name} ${s.type}`)).size).toBe(10);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(w.r53.counts.ListResourceRecordSets - before).toBeLessThanOrEqual(2);

    const mid = w.r53.counts.ListResourceRecordSets;
    const second = await list(r53Id, `?limit=10&cursor=${first.nextCursor}`);
    expect(second.count).toBe(10); // past the variants: ten sets, ten keys
    expect(w.r53.counts.ListResourceRecordSets - mid).toBeLessThanOrEqual(2);

    const all = w.r53.counts.ListResourceRecordSets;
    const full = await list(r53Id);
    expect(full.count).toBe(SETS + 3);
    expect(full.nextCursor).toBeNull();
    expect(w.r53.counts.ListResourceRecordSets - all).toBeGreaterThanOrEqual(Math.ceil(SETS / 300));
    expect(keys([...first.data, ...second.data])).toEqual(keys(full.data.slice(0, first.count + second.count)));
  }, 60_000);

  it('Route 53: walking pages gives the full listing exactly, variants of one key on one page', async () => {
    const full = await list(r53Id);
    for (const limit of [97, 1000]) {
      const { out, sizes } = await walk(r53Id, limit);
      expect(keys(out)).toEqual(keys(full.data));
      // Only a page holding the three weighted variants may exceed the limit, by at most two.
      expect(sizes.every((n) => n <= limit + 2)).toBe(true);
    }
    // A limit that ends the page on the first variant: the page takes all three.
    const idx = full.data.findIndex((s) => s.name === 'g.big.com.');
    const cut = await list(r53Id, `?limit=${idx + 1}`);
    expect(cut.count).toBe(idx + 3);
    expect(cut.data.slice(-3).map((s) => s.name)).toEqual(['g.big.com.', 'g.big.com.', 'g.big.com.']);
    const after = await list(r53Id, `?limit=5&cursor=${cut.nextCursor}`);
    expect(keys(after.data)).toEqual(keys(full.data.slice(idx + 3, idx + 8)));
  }, 120_000);

  it('Cloudflare: the same pages from a streamed zone, over REST and tRPC', async () => {
    const full = await list(cfId);
    expect(full.count).toBe(CF_NAMES.size);
    expect(full.nextCursor).toBeNull();
    const { out, sizes } = await walk(cfId, 23);
    expect(keys(out)).toEqual(keys(full.data));
    expect(sizes.slice(0, -1).every((n) => n === 23)).toBe(true);
    const trpc = w.server.trpcClient(w.token);
    const a = await trpc.dns.listRecords.query({ ...w.env, id: cfId, limit: 50 });
    const b = await trpc.dns.listRecords.query({ ...w.env, id: cfId, limit: 50, cursor: a.nextCursor! });
    expect(keys([...a.data, ...b.data] as Listed[])).toEqual(keys(full.data.slice(0, 100)));
  }, 60_000);

  it('bad limit or cursor → 400 naming the field, before any provider call', async () => {
    const before = w.r53.counts.ListResourceRecordSets;
    for (const q of ['limit=0', 'limit=10001', 'limit=x', 'cursor=%%%', `cursor=${Buffer.from('{"l":"records","s":1,"a":{"n":"a.evil.","t":"A"}}').toString('base64url')}`]) {
      const res = await w.server.rest('GET', `${w.base}/dns/${r53Id}/records?${q}`, { token: w.token });
      expect(res.status, q).toBe(400);
      expect(res.body.error).toBe('Validation failed');
      expect(res.body.details[0].path, q).toBe(q.split('=')[0]);
    }
    expect(w.r53.counts.ListResourceRecordSets).toBe(before);
  });
});
