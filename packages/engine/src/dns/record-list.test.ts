import { waitFor } from '../../../../test-support/wait.js';
import { describe, expect, it } from 'vitest';
import type { DnsSession, RecordSet } from '../ports/dns.js';
import { createDnsTestbed, type DnsTestbed } from '../testing/dns/dns-testbed.js';
import { engineError } from '../testing/engine-error.js';
import { compareRecordSets } from './records/names.js';
import { createWindowSelector, recordSetOrderKey, windowInOrder } from './records/record-window.js';

async function route53Zone(t: DnsTestbed, domainName = 'myapp.com') {
  await t.linkAws();
  const z = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName });
  return { id: z.data.id, hostedZoneId: z.data.hostedZoneId, path: { ...t.env, id: z.data.id } };
}

const set = (name: string, type = 'A', value = '192.0.2.1'): RecordSet => ({ name, type, ttl: 300, values: [value] });
const shuffled = <T>(items: readonly T[], seed = 7): T[] => {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('record windows', () => {
  const zone = Array.from({ length: 200 }, (_, i) => set(`h${i % 50}.${i % 3 === 0 ? 'a.' : ''}myapp.com.`, ['A', 'TXT', 'MX', 'NS'][i % 4]!, `v${i}`));
  const sorted = [...new Map(zone.map((s) => [recordSetOrderKey(s), s])).values()].sort(compareRecordSets);

  it('the selector keeps the limit smallest keys after the start, whatever the input order', () => {
    for (const limit of [1, 7, 50, 1000]) {
      const start = sorted[13]!;
      const selector = createWindowSelector<RecordSet>({ startAfter: start, limit, skipTypes: ['NS'] });
      for (const s of shuffled(zone)) selector.offer(s, s);
      const expected = sorted.slice(14).filter((s) => s.type !== 'NS').slice(0, limit);
      expect(selector.take().map((g) => recordSetOrderKey(g[0]!))).toEqual(expected.map(recordSetOrderKey));
    }
  });

  it('the selector groups items of one key, and never resurrects an evicted key', () => {
    const selector = createWindowSelector<string>({ limit: 2 });
    selector.offer({ name: 'c.x.', type: 'A' }, 'c1');
    selector.offer({ name: 'b.x.', type: 'A' }, 'b1');
    selector.offer({ name: 'a.x.', type: 'A' }, 'a1'); // evicts c
    selector.offer({ name: 'c.x.', type: 'A' }, 'c2');
    selector.offer({ name: 'b.x.', type: 'A' }, 'b2');
    expect(selector.take()).toEqual([['a1'], ['b1', 'b2']]);
  });

  it('windowInOrder stops the source once the limit is out, and keeps variants of one key together', async () => {
    let pulled = 0;
    async function* source() {
      for (const s of [set('a.x.'), set('b.x.'), set('b.x.', 'A', 'other'), set('c.x.'), set('d.x.')]) {
        pulled++;
        yield s;
      }
    }
    const out = await collect(windowInOrder(source(), { startAfter: { name: 'a.x.', type: 'A' }, limit: 2 }));
    expect(out.map((s) => s.values[0])).toEqual(['192.0.2.1', 'other', '192.0.2.1']);
    expect(out.map((s) => s.name)).toEqual(['b.x.', 'b.x.', 'c.x.']);
    expect(pulled).toBe(5); // d.x. was pulled to learn the window is full, nothing after it
  });
});

describe('dns.listRecords pages', () => {
  it('walks the zone page by page in Route 53 order, each set once', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    for (let i = 0; i < 40; i++) t.route53.putRecordSet(z.hostedZoneId, set(`h${i}.${i % 2 ? 'sub.' : ''}myapp.com.`, i % 3 ? 'A' : 'TXT', i % 3 ? '192.0.2.1' : '"x"'));
    const full = await t.engine.dns.listRecords(t.owner, z.path);
    expect(full.count).toBe(40);
    expect(full.nextCursor).toBeNull();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await t.engine.dns.listRecords(t.owner, { ...z.path, limit: 6, ...(cursor ? { cursor } : {}) });
      expect(page.count).toBeLessThanOrEqual(6);
      seen.push(...page.data.map((r) => `${r.name} ${r.type}`));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(7);
    expect(seen).toEqual(full.data.map((r) => `${r.name} ${r.type}`));
  });

  it('a cursor of another zone, or naming a record outside this zone, is refused', async () => {
    const t = await createDnsTestbed();
    const a = await route53Zone(t, 'a.com');
    const b = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'b', domainName: 'b.com' });
    for (let i = 0; i < 3; i++) t.route53.putRecordSet(a.hostedZoneId, set(`h${i}.a.com.`));
    const first = await t.engine.dns.listRecords(t.owner, { ...a.path, limit: 1 });
    const e = await engineError(t.engine.dns.listRecords(t.owner, { ...t.env, id: b.data.id, cursor: first.nextCursor! }));
    expect([e.error, e.details]).toEqual(['Validation failed', [{ path: 'cursor', message: 'is not a cursor of this list' }]]);
    const outside = Buffer.from(JSON.stringify({ l: 'records', s: a.id, a: { n: 'evil.example.', t: 'A' } })).toString('base64url');
    const e2 = await engineError(t.engine.dns.listRecords(t.owner, { ...a.path, cursor: outside }));
    expect(e2.details).toEqual([{ path: 'cursor', message: 'is not a cursor of this list' }]);
    const e3 = await engineError(t.engine.dns.listRecords(t.owner, { ...a.path, limit: 10_001 }));
    expect(e3.details).toEqual([{ path: 'limit', message: 'must be an integer from 1 to 10000' }]);
  });

  it('identical concurrent listings of one zone share one provider listing; different ones do not', async () => {
    const t = await createDnsTestbed();
    const z = await route53Zone(t);
    for (let i = 0; i < 5; i++) t.route53.putRecordSet(z.hostedZoneId, set(`h${i}.myapp.com.`));
    let started = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const session = t.route53.session.bind(t.route53);
    t.route53.session = (auth) => {
      const s: DnsSession = session(auth);
      return {
        ...s,
        listRecordSets(zone, options) {
          started++;
          return (async function* () {
            await gate;
            yield* s.listRecordSets(zone, options);
          })();
        },
      };
    };
    const same = Array.from({ length: 5 }, () => t.engine.dns.listRecords(t.owner, { ...z.path, limit: 3 }));
    const other = t.engine.dns.listRecords(t.owner, { ...z.path, limit: 4 });
    // Both distinct requests have reached the provider (and the four identical ones joined the first) before it answers.
    await waitFor(() => started >= 2, 'both listings at the provider');
    open();
    const pages = await Promise.all(same);
    expect(started).toBe(2);
    for (const p of pages) expect(p).toEqual(pages[0]);
    expect(pages[0]!.data).not.toBe(pages[1]!.data);
    expect((await other).count).toBe(4);
    // Once settled, the next identical request lists again.
    await t.engine.dns.listRecords(t.owner, { ...z.path, limit: 3 });
    expect(started).toBe(3);
  });
});
