import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CF_TOKEN, startDnsWorld, type DnsWorld } from './dns-fixture.js';

/**
 * Zone files in and out (docs/records.md#zone-files) over REST, on SQLite, with the real Route 53 and
 * Cloudflare providers against their fakes: a generated file of N records imports into zone A; A's
 * export imports into an empty zone B of the same domain (another environment); B's export must be
 * the same text. Memory is measured around B's import + export at two sizes; its growth must stay
 * linear (numbers printed; no timing assertions). What stays after a GC is mostly zone B itself, held
 * by the in-process fakes.
 */

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const MB = 1024 * 1024;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Peak heap above `base` while `fn` runs, sampled every few milliseconds, and what stays after a GC. */
async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; peak: number; retained: number }> {
  const base = heapAfterGc();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 2);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, peak: peak - base, retained: heapAfterGc() - base };
  } finally {
    clearInterval(timer);
  }
}

/** A file of exactly `records` record lines across every writable type (some sets hold several values). */
function generatedZoneFile(domain: string, records: number, cloudflare: boolean): string {
  const lines = [`$ORIGIN ${domain}.`, '$TTL 300'];
  let i = 0;
  while (lines.length - 2 < records) {
    const left = records - (lines.length - 2);
    const h = `h${i}`;
    switch (i % 9) {
      case 0:
        lines.push(`${h} 300 IN A 10.0.${(i >> 8) & 255}.${i & 255}`);
        if (left > 1) lines.push(`${h} 300 IN A 10.1.${(i >> 8) & 255}.${i & 255}`);
        break;
      case 1:
        lines.push(`${h} 600 IN AAAA 2001:db8::${i.toString(16)}`);
        break;
      case 2:
        // Longer than one 255-character string: the export splits it.
        lines.push(`${h} 300 IN TXT "v=${'x'.repeat(300)}-${i}" "tail; with \\"quotes\\""`);
        break;
      case 3:
        lines.push(`${h} 3600 IN MX 10 mail${i}.example.net.`);
        break;
      case 4:
        lines.push(`${h} 300 IN CNAME h0`);
        break;
      case 5:
        lines.push(`_sip._tcp.${h} 300 IN SRV 10 5 5060 sip${i}.example.net.`);
        break;
      case 6:
        lines.push(`${h} 300 IN CAA 0 issue "ca${i}.example.net"`);
        break;
      case 7:
        lines.push(`${h} 300 IN PTR host${i}.example.net.`);
        break;
      default:
        lines.push(cloudflare ? `${h} 1 IN A 10.2.${(i >> 8) & 255}.${i & 255} ; cloudlink:proxied` : `${h} 60 IN A 10.2.${(i >> 8) & 255}.${i & 255}`);
    }
    i++;
  }
  return `${lines.join('\n')}\n`;
}

/** Record lines of an export: everything but comments and directives. */
const recordLines = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith(';') && !l.startsWith('$'));
/** The provider's own apex SOA and NS lines differ between two zones: compared apart. */
const providerOwned = (line: string) => /^@ \d+ IN (?:SOA|NS) /.test(line);

describe('zone files (SQLite, Route 53 and Cloudflare fakes)', () => {
  let w: DnsWorld;
  let zoneCount = 0;
  beforeAll(async () => {
    w = await startDnsWorld('sqlite');
    await w.linkAws();
    const env = await w.server.rest('POST', '/api/projects/shop/environments', { token: w.token, body: { name: 'copy' } });
    expect(env.status).toBe(201);
  }, 60_000);
  afterAll(() => w.close());

  /** Zone A in `master` and an empty zone B of the same domain in `copy`, on `provider`. */
  async function zonePair(provider: 'route53' | 'cloudflare'): Promise<{ domain: string; a: string; b: string }> {
    const domain = `rt${zoneCount++}.example`;
    const create = async (env: string, token?: string) => {
      const body = provider === 'route53' ? { name: domain, domainName: domain } : { name: domain, domainName: domain, cloudflareApiToken: token };
      const r = await w.server.rest('POST', `/api/shop/${env}/dns`, { token: w.token, body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return `/api/shop/${env}/dns/${r.body.data.id}/zonefile`;
    };
    if (provider === 'route53') return { domain, a: await create('master'), b: await create('copy') };
    // Two Cloudflare zones of one name live in two accounts: each token sees its own.
    const other = `${CF_TOKEN}-copy${zoneCount}`;
    w.cf.tokens.set(other, { status: 'active', zones: [] });
    w.cf.addZone(domain, [CF_TOKEN]);
    const a = await create('master', CF_TOKEN);
    w.cf.addZone(domain, [other]);
    return { domain, a, b: await create('copy', other) };
  }

  const importFile = (path: string, text: string, query = '') =>
    w.server.rest('POST', `${path}${query}`, { token: w.token, body: text, headers: { 'content-type': 'text/dns' } });
  const exportFile = async (path: string): Promise<string> => {
    const r = await w.server.rest('GET', path, { token: w.token });
    expect(r.status, String(r.body)).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/dns; charset=utf-8');
    return r.body as string;
  };

  for (const provider of ['route53', 'cloudflare'] as const) {
    it(`${provider}: a zone file round-trips identically at 5 000 and 10 000 records, memory growing linearly`, async () => {
      const measured: Record<number, { peak: number; retained: number }> = {};
      for (const records of [5_000, 10_000]) {
        const { domain, a, b } = await zonePair(provider);
        const source = generatedZoneFile(domain, records, provider === 'cloudflare');
        const seeded = await importFile(a, source);
        expect(seeded.status, JSON.stringify(seeded.body).slice(0, 500)).toBe(200);
        const first = await exportFile(a);
        expect(recordLines(first).filter((l) => !providerOwned(l))).toHaveLength(records);

        const m = await measure(async () => {
          const imported = await importFile(b, first);
          expect(imported.status, JSON.stringify(imported.body).slice(0, 500)).toBe(200);
          // Route 53 lists its apex SOA and NS (skipped on import); Cloudflare lists neither.
          expect(imported.body.data.skippedRecords > 0).toBe(provider === 'route53');
          return exportFile(b);
        });
        const second = m.result;
        const strip = (text: string) => text.split('\n').filter((l) => !providerOwned(l));
        expect(strip(second)).toEqual(strip(first));
        expect(recordLines(second).filter(providerOwned).length > 0).toBe(provider === 'route53');
        measured[records] = { peak: m.peak, retained: m.retained };
        console.log(`${provider} ${records} records: peak heap +${(m.peak / MB).toFixed(1)} MB, retained +${(m.retained / MB).toFixed(1)} MB`);
      }
      const small = measured[5_000]!;
      const large = measured[10_000]!;
      // Linear at most: twice the records may cost about twice the memory, plus a constant for noise.
      expect(large.peak).toBeLessThan(2.5 * Math.max(small.peak, 0) + 32 * MB);
      expect(large.retained).toBeLessThan(2.5 * Math.max(small.retained, 0) + 8 * MB);
    }, 240_000);
  }

  it('dryRun shows the plan and writes nothing; replace deletes what the file lacks; errors name the line', async () => {
    const { domain, a } = await zonePair('route53');
    const plan = await importFile(a, 'www 300 IN A 192.0.2.1\nold 300 IN TXT "bye"\n', '?dryRun=true');
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body.dryRun).toBe(true);
    expect(plan.body.data.summary).toMatchObject({ create: 2, update: 0, delete: 0 });
    expect(plan.body.data.changes.map((c: { action: string; recordName: string }) => `${c.action} ${c.recordName}`)).toEqual([`create www.${domain}.`, `create old.${domain}.`]);
    expect(recordLines(await exportFile(a)).filter((l) => !providerOwned(l))).toEqual([]);

    expect((await importFile(a, 'www 300 IN A 192.0.2.1\nold 300 IN TXT "bye"\n')).status).toBe(200);
    const replaced = await w.server.rest('POST', a, { token: w.token, body: { zoneFile: 'www 600 IN A 192.0.2.1\n', replace: true, force: true } });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body.data).toMatchObject({ recordSets: 1, deletedRecordSets: 1 });
    expect(recordLines(await exportFile(a)).filter((l) => !providerOwned(l))).toEqual(['www 600 IN A 192.0.2.1']);

    const bad = await importFile(a, 'ok 300 IN A 192.0.2.1\n\nbad 300 IN A 300.1.1.1\n');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'Validation failed', message: 'zoneFile: line 3: A values[0] "300.1.1.1" is not a valid IPv4 address' });
    const cname = await importFile(a, 'www 300 IN CNAME other.example.\n');
    expect(cname.status).toBe(400);
    expect(cname.body.message).toBe(`zoneFile: line 1: www.${domain}. already has A records; a CNAME cannot coexist with other records`);

    // tRPC: the same export as one string, and the import with its options in the input.
    const trpc = w.server.trpcClient(w.token);
    const id = Number(a.split('/')[5]);
    const where = { projectSlug: 'shop', environmentSlug: 'master', id };
    expect((await trpc.dns.exportZoneFile.query(where)).data.zoneFile).toBe(await exportFile(a));
    const planned = await trpc.dns.importZoneFile.mutate({ ...where, zoneFile: 'api 300 IN AAAA 2001:db8::1\n', dryRun: true });
    expect('dryRun' in planned && planned.data.summary.create).toBe(1);

    const tooBig = await importFile(a, `; ${'x'.repeat(4 * MB)}\n`);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ error: 'Payload too large', message: 'Zone file exceeds 4 MiB' });
    // text/plain is what a cross-site form can send: refused like any non-JSON write.
    const plain = await w.server.rest('POST', a, { token: w.token, body: 'www 300 IN A 192.0.2.1\n', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
  }, 60_000);
});
