import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DnsSession, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { createCloudflareProvider } from '../src/cloudflare/index.js';
import type { CloudflareProviderOptions } from '../src/cloudflare/index.js';
import { aSet, collect, failure, upsert } from './support.js';
import { createInstantClock, halfRandom, startFakeCloudflare, type InstantClock, type ListeningCloudflare } from '@cloudlink/sandbox';

const batchPosts = (fake: ListeningCloudflare) => fake.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/dns_records/batch'));

describe('cloudflare provider against the fake Cloudflare API', () => {
  let fake: ListeningCloudflare;
  let clock: InstantClock;
  let zoneId: string;
  const open = (token = 'good', options: CloudflareProviderOptions = {}): DnsSession =>
    createCloudflareProvider({ baseUrl: fake.baseUrl, clock, random: halfRandom, timeoutMs: 2_000, ...options }).session({ provider: 'cloudflare', apiToken: token });

  beforeEach(async () => {
    fake = await startFakeCloudflare();
    clock = createInstantClock();
    fake.tokens.set('good', { status: 'active', zones: [] });
    fake.tokens.set('account-owned', { status: 'active', accountOwned: true, zones: [] });
    fake.tokens.set('disabled', { status: 'disabled', zones: [] });
    zoneId = fake.addZone('myapp.com', ['good', 'account-owned']).id;
    fake.addZone('other.com', []);
  });
  afterEach(() => fake.close());

  it('declares its capabilities as data', () => {
    expect(createCloudflareProvider().capabilities).toEqual({
      recordTypes: ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'PTR', 'CAA'],
      apexCname: true,
      createsZones: false,
      aliasRecords: false,
      proxy: true,
    });
  });

  it('imports a zone after verifying the token; account-owned tokens fall back to the zone lookup', async () => {
    const zone = await open().createOrImportZone({ domainName: 'myapp.com', callerReference: 'unused' });
    expect(zone).toEqual({ hostedZoneId: zoneId, domainName: 'myapp.com', nameServers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'] });
    expect(fake.counts).toMatchObject({ 'tokens.verify': 1, 'zones.list': 1 });
    expect(fake.requests[0]?.headers['api-version']).toBe('2025-01-01');
    expect((await open('account-owned').createOrImportZone({ domainName: 'myapp.com', callerReference: 'x' })).hostedZoneId).toBe(zoneId);

    const missing = await failure(open().createOrImportZone({ domainName: 'other.com', callerReference: 'x' }));
    expect(missing.kind).toBe('not-found');
    expect(missing.message).toBe('GET /zones failed: ZoneNotFound: No Cloudflare zone named other.com is visible to this token');

    const disabled = await failure(open('disabled').createOrImportZone({ domainName: 'myapp.com', callerReference: 'x' }));
    expect(disabled).toMatchObject({ kind: 'unauthorized', providerCode: 'disabled', call: 'GET /user/tokens/verify' });
    const bad = await failure(open('wrong-token').createOrImportZone({ domainName: 'myapp.com', callerReference: 'x' }));
    expect(bad).toMatchObject({ kind: 'unauthorized', providerCode: '10000', status: 401, call: 'GET /zones' });
    expect(bad.message).not.toContain('wrong-token');
  });

  it('runs a zone lifecycle: write every type, list in Route 53 order, diff updates, delete', async () => {
    const session = open('good', { perPage: 5 });
    const zone = (await session.getZone(zoneId)) as ZoneInfo;
    expect(zone.domainName).toBe('myapp.com');
    const sets: RecordSet[] = [
      { name: 'www.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.1', '192.0.2.2'] },
      { name: 'myapp.com.', type: 'MX', ttl: 3600, values: ['10 mail.myapp.com.', '20 mx2.example.net.'] },
      { name: '_gateways_app.myapp.com.', type: 'TXT', ttl: 300, values: ['"installed"'] },
      { name: 'myapp.com.', type: 'CNAME', ttl: 1, values: ['target.example.net.'] },
      { name: '_sip._tcp.myapp.com.', type: 'SRV', ttl: 300, values: ['10 5 5060 sip.myapp.com.'] },
      { name: 'myapp.com.', type: 'CAA', ttl: 300, values: ['0 issue "letsencrypt.org"'] },
      { name: '1.2.0.192.myapp.com.', type: 'PTR', ttl: 300, values: ['host.myapp.com.'] },
      { name: 'v6.myapp.com.', type: 'AAAA', ttl: 300, values: ['2001:db8::1'] },
      { name: 'a-b.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.3'] },
    ].filter((s) => !(s.name === 'myapp.com.' && s.type === 'CNAME')); // CNAME exclusivity at the apex is tested by the fake below
    const outcomes = await session.applyChanges(zone, sets.map(upsert));
    expect(batchPosts(fake)).toHaveLength(1);
    expect(outcomes.every((o) => o.changeId === null && o.status === 'INSYNC')).toBe(true);
    expect(outcomes[0]?.recordSet?.providerIds).toHaveLength(2);
    const posted = JSON.parse(batchPosts(fake)[0]?.body ?? '{}') as { posts: Record<string, unknown>[] };
    expect(posted.posts[0]).toEqual({ name: 'www.myapp.com', type: 'A', ttl: 300, proxied: false, content: '192.0.2.1' });
    expect(posted.posts.find((p) => p.type === 'MX')).toEqual({ name: 'myapp.com', type: 'MX', ttl: 3600, priority: 10, content: 'mail.myapp.com' });
    expect(posted.posts.find((p) => p.type === 'SRV')?.data).toEqual({ priority: 10, weight: 5, port: 5060, target: 'sip.myapp.com' });

    const listed = await collect(session.listRecordSets(zone));
    expect(listed.map((s) => `${s.name} ${s.type}`)).toEqual([
      'myapp.com. CAA',
      'myapp.com. MX',
      '1.2.0.192.myapp.com. PTR',
      '_gateways_app.myapp.com. TXT',
      '_sip._tcp.myapp.com. SRV',
      'a-b.myapp.com. A',
      'v6.myapp.com. AAAA',
      'www.myapp.com. A',
    ]);
    for (const set of sets) expect(listed.find((s) => s.name === set.name && s.type === set.type)).toMatchObject({ ...set, values: set.values });
    expect(fake.counts['records.list']).toBeGreaterThanOrEqual(3); // 10 records at 5 per page

    // Change one value and the TTL: one delete, one post, one TTL patch; the kept entry keeps its id.
    const before = await session.getRecordSet(zone, 'www.myapp.com.', 'A');
    const [updated] = await session.applyChanges(zone, [upsert({ name: 'www.myapp.com.', type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.9'] })]);
    const body = JSON.parse(batchPosts(fake)[1]?.body ?? '{}') as Record<string, unknown[]>;
    expect([body.deletes?.length, body.patches?.length, body.posts?.length]).toEqual([1, 1, 1]);
    expect(updated?.recordSet?.providerIds?.[0]).toBe(before?.providerIds?.[0]);
    expect(await session.getRecordSet(zone, 'www.myapp.com.', 'A')).toMatchObject({ ttl: 60, values: expect.arrayContaining(['192.0.2.1', '192.0.2.9']) });

    // Identical UPSERT: nothing sent, the current state returned.
    const [same] = await session.applyChanges(zone, [upsert(sets[2] as RecordSet)]);
    expect(batchPosts(fake)).toHaveLength(2);
    expect(same?.recordSet).toMatchObject({ values: ['"installed"'], providerIds: [expect.any(String)] });

    // A DELETE must match the set as held now: the www set changed since the first listing.
    const stale = await failure(session.applyChanges(zone, listed.map((recordSet) => ({ action: 'DELETE' as const, recordSet }))));
    expect(stale).toMatchObject({ kind: 'invalid-input', providerCode: 'DeleteMismatch', progress: { appliedChanges: 0 } });
    const held = await collect(session.listRecordSets(zone));
    const deleted = await session.applyChanges(zone, held.map((recordSet) => ({ action: 'DELETE' as const, recordSet })));
    expect(deleted.every((o) => o.recordSet === null)).toBe(true);
    expect(fake.records(zoneId)).toEqual([]);
    await session.deleteZone(zone); // import only: the zone stays
    expect(await session.getZone(zoneId)).not.toBeNull();
    expect(await session.getZone('0'.repeat(32))).toBeNull();
  });

  it('writes the proxy status on the wire and patches it in place when only it changes', async () => {
    const session = open();
    const zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'unused' });
    const set: RecordSet = { name: 'www.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.1', '192.0.2.2'] };
    const [written] = await session.applyChanges(zone, [upsert({ ...set, proxied: true })]);
    const firstBody = JSON.parse(batchPosts(fake).at(-1)?.body ?? '{}') as { posts: { proxied?: boolean; ttl: number }[] };
    expect(firstBody.posts.map((p) => [p.proxied, p.ttl])).toEqual([
      [true, 1],
      [true, 1],
    ]);
    expect(written?.recordSet).toMatchObject({ ttl: 1, proxied: true });
    expect(fake.records(zoneId).map((r) => [r.proxied, r.ttl])).toEqual([
      [true, 1],
      [true, 1],
    ]);
    // Back to DNS-only: the same records, patched (no delete, no post), and read back without `proxied`.
    await session.applyChanges(zone, [upsert(set)]);
    const body = JSON.parse(batchPosts(fake).at(-1)?.body ?? '{}') as { deletes: unknown[]; posts: unknown[]; patches: { proxied?: boolean; ttl: number }[] };
    expect(body.deletes).toEqual([]);
    expect(body.posts).toEqual([]);
    expect(body.patches.map((p) => [p.proxied, p.ttl])).toEqual([
      [false, 300],
      [false, 300],
    ]);
    const read = await session.getRecordSet(zone, set.name, 'A');
    expect(read).toMatchObject({ ttl: 300, values: set.values });
    expect(read).not.toHaveProperty('proxied');
  });

  it("passes Cloudflare's refusal of a proxied TXT through as invalid input (9004), and refuses alias sets before sending", async () => {
    const session = open();
    const zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'unused' });
    const e = await failure(session.applyChanges(zone, [upsert({ name: 'myapp.com.', type: 'TXT', ttl: 300, values: ['"x"'], proxied: true })]));
    expect(e).toMatchObject({ kind: 'invalid-input', providerCode: '9004' });
    expect(e.message).toContain('This record type cannot be proxied.');
    const sent = batchPosts(fake).length;
    const alias = { name: 'myapp.com.', type: 'A', ttl: null, values: ['d1.cloudfront.net.'], alias: { hostedZoneId: 'Z2FDTNDATAQYW2', dnsName: 'd1.cloudfront.net.', evaluateTargetHealth: false } };
    expect((await failure(session.applyChanges(zone, [upsert(alias)]))).kind).toBe('invalid-input');
    expect(batchPosts(fake)).toHaveLength(sent);
    expect(fake.records(zoneId)).toEqual([]);
  });

  it('reads dashboard-made records into canonical wire forms', async () => {
    fake.seed(zoneId, [
      { name: 'myapp.com', type: 'TXT', ttl: 1, content: 'v=spf1 include:_spf.example.com -all' },
      { name: 'www.myapp.com', type: 'CNAME', ttl: 1, content: 'Shop.Example.NET', proxied: true },
      { name: 'myapp.com', type: 'MX', ttl: 300, content: 'mail.myapp.com', priority: 5 },
      { name: 'myapp.com', type: 'CAA', ttl: 300, content: '0 issue "pki.goog"', data: { flags: 0, tag: 'issue', value: 'pki.goog' } },
    ]);
    const listed = await collect(open().listRecordSets({ hostedZoneId: zoneId, domainName: 'myapp.com', nameServers: [] }));
    expect(listed.map((s) => [s.name, s.type, s.ttl, s.values])).toEqual([
      ['myapp.com.', 'CAA', 300, ['0 issue "pki.goog"']],
      ['myapp.com.', 'MX', 300, ['5 mail.myapp.com.']],
      ['myapp.com.', 'TXT', 1, ['"v=spf1 include:_spf.example.com -all"']],
      ['www.myapp.com.', 'CNAME', 1, ['shop.example.net.']],
    ]);
  });

  it('sends 450 operations in 3 batch calls and reports progress when the second fails', async () => {
    const session = open();
    const zone = (await session.getZone(zoneId)) as ZoneInfo;
    await session.applyChanges(zone, Array.from({ length: 450 }, (_, i) => upsert(aSet(i))));
    expect(fake.counts['records.batch']).toBe(3);
    expect(fake.counts['records.list']).toBe(1); // > 20 names: one streamed pass instead of 450 targeted reads
    expect(fake.records(zoneId)).toHaveLength(450);

    const changes = Array.from({ length: 450 }, (_, i) => upsert({ ...aSet(i + 1000) }));
    // Change 300 (second call) puts a CNAME beside an existing A record: Cloudflare refuses that call whole.
    changes[300] = upsert({ name: 'host-1.myapp.com.', type: 'CNAME', ttl: 300, values: ['elsewhere.example.net.'] });
    const e = await failure(session.applyChanges(zone, changes));
    expect(e).toMatchObject({ kind: 'invalid-input', providerCode: '81053', progress: { appliedChanges: 200, totalChanges: 450 } });
    expect(fake.counts['records.batch']).toBe(5);
    expect(fake.records(zoneId)).toHaveLength(650);
  });

  it.each([
    [1, 0], // the change before the split one, alone in its call
    [2, 1], // the split change's first call: the change before it went out
    [3, 1], // the split change is partly applied: it does not count
    [4, 1],
    [5, 2], // the split change's last call went out: it counts whole
  ])('reports exact progress when a change split over several calls fails in call %i of 5', async (failingCall, appliedChanges) => {
    const session = open('good', { batchSize: 3 });
    const zone = (await session.getZone(zoneId)) as ZoneInfo;
    const big = { name: 'big.myapp.com.', type: 'A', ttl: 300, values: ['10.9.0.1', '10.9.0.2', '10.9.0.3'] };
    await session.applyChanges(zone, [upsert(big)]);
    const before = batchPosts(fake).length;
    // Replacing 3 values by 4 others = 3 deletes + 4 posts: 7 operations in 3 calls of at most 3,
    // between a call with the change before it and one with the two after it.
    const replaced = { ...big, values: ['10.9.1.1', '10.9.1.2', '10.9.1.3', '10.9.1.4'] };
    const changes = [upsert(aSet(1)), upsert(replaced), upsert(aSet(2)), upsert(aSet(3))];
    let calls = 0;
    fake.fault({ match: (r) => r.url.endsWith('/batch') && ++calls === failingCall, status: 400, body: '{"success":false,"errors":[{"code":9000,"message":"refused"}]}' });
    const e = await failure(session.applyChanges(zone, changes));
    expect(e.progress).toEqual({ appliedChanges, totalChanges: 4 });
    expect(batchPosts(fake).length - before).toBe(failingCall);
  });

  it('waits out 429s with Retry-After, gives up on a long Retry-After and after 5 attempts', async () => {
    const session = open();
    const zone = (await session.getZone(zoneId)) as ZoneInfo;
    const tooMany = (seconds: number, times = 1) =>
      fake.fault({
        match: (r) => r.url.endsWith('/batch'),
        times,
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': String(seconds) },
        body: JSON.stringify({ success: false, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }], messages: [], result: null }),
      });
    tooMany(3, 2);
    await session.applyChanges(zone, [upsert(aSet(1))]);
    expect(batchPosts(fake)).toHaveLength(3);
    expect(clock.sleeps).toEqual([3000, 3000]);

    tooMany(60);
    const long = await failure(session.applyChanges(zone, [upsert(aSet(2))]));
    expect(long).toMatchObject({ kind: 'throttled', retryAfter: 60, providerCode: '971' });
    expect(batchPosts(fake)).toHaveLength(4);

    tooMany(1, 5);
    expect((await failure(session.applyChanges(zone, [upsert(aSet(3))]))).kind).toBe('throttled');
    expect(batchPosts(fake)).toHaveLength(9);
  });

  it('reads a Retry-After HTTP-date against its clock, and a 403 as refused', async () => {
    const session = open();
    const zone = (await session.getZone(zoneId)) as ZoneInfo;
    const at = new Date(clock.now().getTime() + 4_000).toUTCString();
    fake.fault({
      match: (r) => r.url.endsWith('/batch'),
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': at },
      body: JSON.stringify({ success: false, errors: [{ code: 971, message: 'Please wait' }], messages: [], result: null }),
    });
    await session.applyChanges(zone, [upsert(aSet(1))]);
    expect(clock.sleeps).toEqual([4000]);

    fake.fault({
      match: (r) => r.url.endsWith('/batch'),
      status: 403,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null }),
    });
    expect(await failure(session.applyChanges(zone, [upsert(aSet(2))]))).toMatchObject({ kind: 'refused', status: 403, providerCode: '10000' });
  });

  it('reads back after a lost batch answer instead of posting twice', async () => {
    const session = open();
    const zone = (await session.getZone(zoneId)) as ZoneInfo;
    fake.loseNextBatchAnswer();
    const [outcome] = await session.applyChanges(zone, [upsert(aSet(7))]);
    expect(batchPosts(fake)).toHaveLength(1);
    expect(fake.records(zoneId)).toHaveLength(1);
    expect(outcome?.recordSet?.providerIds).toEqual([fake.records(zoneId)[0]?.id]);

    fake.fault({ match: (r) => r.url.endsWith('/batch'), status: 500, body: '{"success":false,"errors":[{"code":500,"message":"oops"}]}' });
    await session.applyChanges(zone, [upsert(aSet(8))]);
    expect(batchPosts(fake)).toHaveLength(3); // nothing applied → resent once
    expect(fake.records(zoneId)).toHaveLength(2);
  });

  it('waits the backoff before reading back a batch the provider is still applying, and does not post twice', async () => {
    // Time passes only in the clock's sleep: that is when the late batch lands.
    const settling = { ...clock, sleep: async (ms: number) => (await clock.sleep(ms), fake.settleLateBatches()) };
    const session = open('good', { clock: settling });
    const zone = (await session.getZone(zoneId)) as ZoneInfo;
    fake.applyNextBatchLate();
    const [outcome] = await session.applyChanges(zone, [upsert(aSet(9))]);
    expect(batchPosts(fake)).toHaveLength(1);
    expect(fake.records(zoneId).map((r) => r.content)).toEqual(['10.0.0.9']);
    expect(outcome?.recordSet?.providerIds).toEqual([fake.records(zoneId)[0]?.id]);
  });
});
