import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DnsSession, RecordChange, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { CLOUDDNS_FEATURES, createCloudDnsProvider, managedZoneNameFor, planCloudDnsChanges, toRrset } from '../src/gcp/index.js';
import type { CloudDnsProviderOptions, CloudDnsRrset } from '../src/gcp/index.js';
import { aSet, collect, failure, upsert, upserts } from './support.js';
import { cloudDnsError, createInstantClock, halfRandom, startFakeCloudDns, type InstantClock, type ListeningCloudDns } from '@cloudlink/sandbox';

const PROJECT = 'my-project-1';
const changePosts = (fake: ListeningCloudDns) => fake.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/changes'));
const rrsetGets = (fake: ListeningCloudDns) => fake.requests.filter((r) => r.method === 'GET' && r.url.includes('/rrsets'));
const googleBody = (code: number, status: string, reason: string, message: string) => JSON.stringify(cloudDnsError(code, status, reason, message));
const remove = (recordSet: RecordSet): RecordChange => ({ action: 'DELETE', recordSet });

describe('clouddns provider against the fake Cloud DNS API', () => {
  let fake: ListeningCloudDns;
  let clock: InstantClock;
  let tokenCalls: number;
  const open = (options: CloudDnsProviderOptions = {}, token = 'tok-secret-123'): DnsSession =>
    createCloudDnsProvider({ baseUrl: fake.url, env: {}, clock, random: halfRandom, timeoutMs: 2_000, ...options }).session({
      provider: 'clouddns',
      projectId: PROJECT,
      accessToken: async () => {
        tokenCalls++;
        return { token, expiresAt: new Date(clock.now().getTime() + 3_600_000) };
      },
    });
  let zone: ZoneInfo;

  beforeEach(async () => {
    fake = await startFakeCloudDns();
    clock = createInstantClock();
    tokenCalls = 0;
    zone = await open().createOrImportZone({ domainName: 'MyApp.com', callerReference: 'ref-1', comment: 'test zone' });
  });
  afterEach(() => fake.close());

  it('declares its capabilities and limits as data', () => {
    expect(createCloudDnsProvider({ env: {} }).capabilities).toEqual({
      recordTypes: ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'PTR', 'CAA'],
      apexCname: false,
      createsZones: true,
      aliasRecords: false,
      proxy: false,
    });
    expect(CLOUDDNS_FEATURES.batchLimits).toMatchObject({ additionsPerChange: 1000, deletionsPerChange: 1000, rrdataBytesPerChange: 100_000 });
  });

  it('creates a public managed zone with a valid, deterministic name, and adopts it on a second create', async () => {
    expect(zone.hostedZoneId).toBe(managedZoneNameFor('myapp.com'));
    expect(zone).toMatchObject({ domainName: 'myapp.com', nameServers: expect.arrayContaining(['ns-cloud-a1.googledomains.com']) });
    const created = fake.zones.get(`${PROJECT}/${zone.hostedZoneId}`)!;
    expect(created).toMatchObject({ dnsName: 'myapp.com.', visibility: 'public', labels: { 'managed-by': 'cloudlink', 'cloudlink-ref': 'ref-1' } });
    expect(created.description).toContain('test zone');
    const again = await open().createOrImportZone({ domainName: 'myapp.com', callerReference: 'ref-1' });
    expect(again).toEqual(zone);
    expect(fake.counts['managedZones.create']).toBe(2);
  });

  it('resends a zone create after a 5xx and adopts what an earlier attempt made', async () => {
    fake.fault({ match: (r) => r.method === 'POST' && r.url.endsWith('/managedZones'), status: 503, headers: { 'content-type': 'application/json' }, body: googleBody(503, 'UNAVAILABLE', 'backendError', 'try again') });
    const made = await open().createOrImportZone({ domainName: 'second.com', callerReference: 'r2' });
    expect(made.domainName).toBe('second.com');
    // An earlier attempt whose answer was lost: the zone exists under the derived name.
    fake.addZone(PROJECT, { name: managedZoneNameFor('third.com'), dnsName: 'third.com.' });
    expect(await open().createOrImportZone({ domainName: 'third.com', callerReference: 'r3' })).toMatchObject({ hostedZoneId: managedZoneNameFor('third.com') });
  });

  it('refuses to adopt a zone of its name that serves another domain: conflict', async () => {
    fake.addZone(PROJECT, { name: managedZoneNameFor('taken.com'), dnsName: 'elsewhere.com.' });
    const e = await failure(open().createOrImportZone({ domainName: 'taken.com', callerReference: 'r' }));
    expect(e).toMatchObject({ kind: 'conflict', providerCode: 'alreadyExists', call: 'managedZones.create' });
  });

  it('derives managed zone names Cloud DNS accepts, different per domain', () => {
    const names = ['a.com', 'A.com.', '123.example', `${'x'.repeat(60)}.${'y'.repeat(60)}.com`, 'xn--bcher-kva.example', 'a-b.com', 'a.b.com'].map(managedZoneNameFor);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/);
    expect(names[0]).toBe(names[1]);
    expect(new Set(names).size).toBe(names.length - 1);
  });

  it('asks the token source before every request and sends the token as a bearer', async () => {
    const before = tokenCalls;
    const requests = fake.requests.length;
    await open().getRecordSet(zone, 'www.myapp.com.', 'A');
    expect(tokenCalls - before).toBe(fake.requests.length - requests);
    expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer tok-secret-123');
  });

  it('pages rrsets.list with pageToken and maxResults, and lists in Route 53 order', async () => {
    const sets = [aSet(3), aSet(1), aSet(2), { name: 'myapp.com.', type: 'TXT', ttl: 60, values: ['"hello"'] }, { name: 'a.host-1.myapp.com.', type: 'A', ttl: 60, values: ['10.1.1.1'] }];
    await open().applyChanges(zone, sets.map(upsert));
    const gets = rrsetGets(fake).length;
    const listed = await collect(open().listRecordSets(zone, { pageSize: 2 }));
    const pages = rrsetGets(fake).slice(gets);
    // 2 apex sets + 5 written = 7 sets → 4 pages of at most 2.
    expect(pages).toHaveLength(4);
    expect(pages.every((r) => new URL(r.url, 'http://x').searchParams.get('maxResults') === '2')).toBe(true);
    expect(pages.slice(1).every((r) => new URL(r.url, 'http://x').searchParams.get('pageToken'))).toBe(true);
    expect(listed.map((s) => `${s.name} ${s.type}`)).toEqual([
      'myapp.com. NS',
      'myapp.com. SOA',
      'myapp.com. TXT',
      'host-1.myapp.com. A',
      'a.host-1.myapp.com. A',
      'host-2.myapp.com. A',
      'host-3.myapp.com. A',
    ]);
    const window = await collect(open().listRecordSets(zone, { startAfter: { name: 'host-1.myapp.com.', type: 'A' }, limit: 2, pageSize: 1 }));
    expect(window.map((s) => s.name)).toEqual(['a.host-1.myapp.com.', 'host-2.myapp.com.']);
  });

  it('reads one set with rrsets.list?name=&type=', async () => {
    await open().applyChanges(zone, [upsert(aSet(1))]);
    const set = await open().getRecordSet(zone, 'HOST-1.myapp.com.', 'A');
    expect(set).toEqual(aSet(1));
    const q = new URL(rrsetGets(fake).at(-1)!.url, 'http://x').searchParams;
    expect([q.get('name'), q.get('type')]).toEqual(['host-1.myapp.com.', 'A']);
  });

  it('sends an UPSERT of a held set as the deletion of exactly that set plus the addition, in one change', async () => {
    const first = { name: 'www.myapp.com.', type: 'TXT', ttl: 300, values: ['"a"', '"b"'] };
    const [created] = await open().applyChanges(zone, [upsert(first)]);
    expect(created).toMatchObject({ changeId: expect.any(String), status: 'pending', recordSet: first });
    const second = { ...first, ttl: 60, values: ['"c"'] };
    await open().applyChanges(zone, [upsert(second)]);
    const body = JSON.parse(changePosts(fake).at(-1)!.body) as { additions: CloudDnsRrset[]; deletions: CloudDnsRrset[] };
    expect(body.deletions).toEqual([toRrset(first)]);
    expect(body.additions).toEqual([toRrset(second)]);
    // An UPSERT of exactly what is held sends nothing.
    const calls = changePosts(fake).length;
    const [same] = await open().applyChanges(zone, [upsert({ ...second })]);
    expect(changePosts(fake).length).toBe(calls);
    expect(same).toEqual({ changeId: null, status: 'done', recordSet: second });
  });

  it('splits by the per-change limits, and planChanges names exactly the calls applyChanges makes', async () => {
    const changes = upserts(2500);
    const planned = await open().planChanges!(zone, changes);
    expect(planned.map((p) => p.changes.length)).toEqual([1000, 1000, 500]);
    expect(planned.every((p) => p.call === 'changes.create')).toBe(true);
    const before = changePosts(fake).length;
    const outcomes = await open().applyChanges(zone, changes);
    const sent = changePosts(fake).slice(before).map((r) => (JSON.parse(r.body) as { additions: unknown[] }).additions.length);
    expect(sent).toEqual(planned.map((p) => p.changes.length));
    expect(new Set(outcomes.map((o) => o.changeId)).size).toBe(3);
  });

  it('reports progress when a later change fails, with nothing of it applied', async () => {
    let seen = 0;
    fake.fault({ match: (r) => r.url.endsWith('/changes') && ++seen === 2, status: 400, headers: { 'content-type': 'application/json' }, body: googleBody(400, 'INVALID_ARGUMENT', 'invalid', 'no') });
    const e = await failure(open().applyChanges(zone, upserts(1500)));
    expect(e).toMatchObject({ kind: 'invalid-input', progress: { appliedChanges: 1000, totalChanges: 1500 }, call: 'changes.create' });
  });

  it('after a lost answer, reads back and does not send the change twice', async () => {
    fake.loseNextChangeAnswer();
    const [outcome] = await open().applyChanges(zone, [upsert(aSet(7))]);
    expect(outcome).toMatchObject({ changeId: null, recordSet: aSet(7) });
    expect(changePosts(fake)).toHaveLength(1);
    expect(await open().getRecordSet(zone, aSet(7).name, 'A')).toEqual(aSet(7));
  });

  it('after a 5xx that applied nothing, reads back, finds the zone as before and resends once', async () => {
    fake.fault({ match: (r) => r.url.endsWith('/changes'), status: 503, headers: { 'content-type': 'application/json' }, body: googleBody(503, 'UNAVAILABLE', 'backendError', 'later') });
    const [outcome] = await open().applyChanges(zone, [upsert(aSet(8))]);
    expect(outcome).toMatchObject({ changeId: expect.any(String), recordSet: aSet(8) });
    expect(changePosts(fake)).toHaveLength(2);
  });

  it('plans an UPSERT of a held set and a new set in one call, leaving out an UPSERT of what is held', async () => {
    await open().applyChanges(zone, [upsert(aSet(1)), upsert(aSet(2))]);
    const plan = await open().planChanges!(zone, [upsert({ ...aSet(1), ttl: 5 }), upsert(aSet(2)), upsert(aSet(3))]);
    expect(plan).toEqual([{ call: 'changes.create', changes: [0, 2] }]);
  });

  it('refuses a DELETE that does not match before sending anything', async () => {
    await open().applyChanges(zone, [upsert(aSet(1))]);
    const calls = changePosts(fake).length;
    const e = await failure(open().applyChanges(zone, [remove({ ...aSet(1), ttl: 1 })]));
    expect(e).toMatchObject({ kind: 'invalid-input', providerCode: 'DeleteMismatch', progress: { appliedChanges: 0, totalChanges: 1 } });
    expect(changePosts(fake).length).toBe(calls);
  });

  it.each([
    [429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'throttled'],
    [403, 'PERMISSION_DENIED', 'rateLimitExceeded', 'throttled'],
    [403, 'PERMISSION_DENIED', 'forbidden', 'refused'],
    [401, 'UNAUTHENTICATED', 'authError', 'unauthorized'],
    [404, 'NOT_FOUND', 'notFound', 'not-found'],
    [409, 'ALREADY_EXISTS', 'alreadyExists', 'conflict'],
    [412, 'FAILED_PRECONDITION', 'conditionNotMet', 'invalid-input'],
    [400, 'INVALID_ARGUMENT', 'invalid', 'invalid-input'],
  ])('classifies HTTP %i %s (%s) as %s, naming the reason', async (status, googleStatus, reason, kind) => {
    const retries = kind === 'throttled' ? { retryPolicy: { maxAttempts: 1, baseMs: 1, capMs: 1, maxRetryAfterSeconds: 1 } } : {};
    fake.fault({ times: Infinity, status, headers: { 'content-type': 'application/json', 'retry-after': '30' }, body: googleBody(status, googleStatus, reason, 'echo tok-secret-123') });
    const e = await failure(open(retries).getRecordSet(zone, 'www.myapp.com.', 'A'));
    expect(e).toMatchObject({ kind, status, providerCode: reason, call: 'rrsets.list' });
    if (kind === 'throttled') expect(e.retryAfter).toBe(30);
    expect(e.message).not.toContain('tok-secret-123');
  });

  it('reads a 404 naming a part of the change as invalid input, not a missing zone', async () => {
    fake.fault({
      match: (r) => r.url.endsWith('/changes'),
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: googleBody(404, 'NOT_FOUND', 'notFound', "The 'entity.change.deletions[0]' resource named 'host-1.myapp.com. (A)' does not exist."),
    });
    const e = await failure(open().applyChanges(zone, [upsert(aSet(1))]));
    expect(e.kind).toBe('invalid-input');
  });

  it('answers getZone null and deleteZone done for a gone zone; Cloud DNS refuses to delete a non-empty one', async () => {
    await open().applyChanges(zone, [upsert(aSet(1))]);
    expect((await failure(open().deleteZone(zone))).providerCode).toBe('containerNotEmpty');
    await open().applyChanges(zone, [remove(aSet(1))]);
    await open().deleteZone(zone);
    expect(await open().getZone(zone.hostedZoneId)).toBeNull();
    await open().deleteZone(zone);
  });

  it('takes its endpoint from CLOUDLINK_GCP_DNS_URL when no baseUrl is given', async () => {
    const session = createCloudDnsProvider({ env: { CLOUDLINK_GCP_DNS_URL: `${fake.url}/` }, clock, random: halfRandom }).session({
      provider: 'clouddns',
      projectId: PROJECT,
      accessToken: async () => ({ token: 't', expiresAt: new Date() }),
    });
    expect(await session.getZone(zone.hostedZoneId)).toEqual(zone);
  });
});

describe('planCloudDnsChanges (the one batching decision)', () => {
  const held = new Map<string, CloudDnsRrset | null>();
  it('starts a new change when a key repeats, and counts rrdata bytes of additions and deletions', () => {
    const set = aSet(1);
    const plan = planCloudDnsChanges([upsert(set), remove(set)], held);
    expect(plan.calls.map((c) => [c.start, c.end, c.changes])).toEqual([
      [0, 1, [0]],
      [1, 2, [1]],
    ]);
    const big = (i: number): RecordSet => ({ name: `t${i}.myapp.com.`, type: 'TXT', ttl: 60, values: Array.from({ length: 10 }, (_, k) => `"${String(k).repeat(250)}"`) });
    const bigPlan = planCloudDnsChanges(Array.from({ length: 100 }, (_, i) => upsert(big(i))), held);
    // 10 × 252 bytes = 2 520 per set → 39 sets per 100 000 bytes.
    expect(bigPlan.calls.map((c) => c.changes.length)).toEqual([39, 39, 22]);
  });

  it('refuses one change above a call’s limits, and sets with more values than Cloud DNS holds', () => {
    const huge = { name: 'x.myapp.com.', type: 'TXT', ttl: 60, values: Array.from({ length: 100 }, () => `"${'a'.repeat(1100)}"`) };
    expect(() => planCloudDnsChanges([upsert(huge)], held)).toThrow(/100000/);
    expect(() => planCloudDnsChanges([upsert({ ...aSet(1), values: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`) })], held)).toThrow(/at most 100/);
  });
});
