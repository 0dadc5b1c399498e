import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DnsSession, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { createRoute53Provider } from '../src/aws/route53/index.js';
import { collect, failure } from './support.js';
import { createInstantClock, halfRandom, startFakeRoute53, type InstantClock, type ListeningRoute53 } from '@cloudlink/sandbox';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };

describe('route53 provider against the fake Route 53', () => {
  let fake: ListeningRoute53;
  let clock: InstantClock;
  let session: DnsSession;

  beforeEach(async () => {
    fake = await startFakeRoute53();
    clock = createInstantClock();
    session = createRoute53Provider({ endpoint: fake.url, clock, random: halfRandom, timeoutMs: 2_000 }).session({ provider: 'route53', credentials });
  });
  afterEach(() => fake.close());

  it('declares its capabilities as data', () => {
    const provider = createRoute53Provider();
    expect(provider.id).toBe('route53');
    expect(provider.capabilities).toEqual({
      recordTypes: ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'PTR', 'CAA'],
      apexCname: false,
      createsZones: true,
    });
  });

  it('runs a whole zone lifecycle: create, write, list, read, delete records, delete zone', async () => {
    const zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'cloudlink-1', comment: 'Production DNS zone' });
    expect(zone.domainName).toBe('myapp.com');
    expect(zone.hostedZoneId).toMatch(/^Z\d+$/);
    expect(zone.nameServers).toHaveLength(4);
    expect(fake.zones.get(zone.hostedZoneId)?.comment).toBe('Production DNS zone');
    expect(await session.getZone(zone.hostedZoneId)).toEqual(zone);

    const sets: RecordSet[] = [
      { name: 'www.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.1', '192.0.2.2'] },
      { name: 'myapp.com.', type: 'MX', ttl: 3600, values: ['10 mail.myapp.com.'] },
      { name: '_gateways_app.myapp.com.', type: 'TXT', ttl: 300, values: ['"installed"'] },
      { name: '*.dev.myapp.com.', type: 'CNAME', ttl: 60, values: ['target.example.net.'] },
      { name: 'myapp.com.', type: 'CAA', ttl: 300, values: ['0 issue "letsencrypt.org"'] },
    ];
    const outcomes = await session.applyChanges(zone, sets.map((recordSet) => ({ action: 'UPSERT' as const, recordSet })));
    expect(outcomes).toHaveLength(5);
    expect(new Set(outcomes.map((o) => o.changeId)).size).toBe(1);
    expect(outcomes[0]?.changeId).toMatch(/^C\d+$/);
    expect(outcomes[0]?.status).toBe('PENDING');
    expect(outcomes[0]?.recordSet).toEqual(sets[0]);
    expect(fake.counts.ChangeResourceRecordSets).toBe(1);

    const listed = await collect(session.listRecordSets(zone));
    expect(listed.map((s) => `${s.name} ${s.type}`)).toEqual([
      'myapp.com. CAA',
      'myapp.com. MX',
      'myapp.com. NS',
      'myapp.com. SOA',
      '_gateways_app.myapp.com. TXT',
      '*.dev.myapp.com. CNAME',
      'www.myapp.com. A',
    ]);
    expect(listed.find((s) => s.type === 'TXT')).toEqual(sets[2]);

    expect(await session.getRecordSet(zone, '*.dev.myapp.com.', 'CNAME')).toEqual(sets[3]);
    // A targeted read never returns the next set in order.
    expect(await session.getRecordSet(zone, 'api.myapp.com.', 'A')).toBeNull();
    expect(await session.getRecordSet(zone, 'www.myapp.com.', 'AAAA')).toBeNull();

    const notEmpty = await failure(session.deleteZone(zone));
    expect(notEmpty.providerCode).toBe('HostedZoneNotEmpty');
    expect(notEmpty.message).toMatch(/^DeleteHostedZone failed: HostedZoneNotEmpty: /);

    const deleted = await session.applyChanges(zone, sets.map((recordSet) => ({ action: 'DELETE' as const, recordSet })));
    expect(deleted.every((o) => o.recordSet === null)).toBe(true);
    expect(fake.recordSets(zone.hostedZoneId).map((s) => s.type)).toEqual(['NS', 'SOA']);
    await session.deleteZone(zone);
    expect(await session.getZone(zone.hostedZoneId)).toBeNull();
    await session.deleteZone(zone); // NoSuchHostedZone counts as done
    expect(fake.counts.DeleteHostedZone).toBe(3);
  });

  it('finds the zone its lost CreateHostedZone answer created, by CallerReference', async () => {
    fake.failNext('CreateHostedZone', { status: 503, code: 'ServiceUnavailable', afterApply: true });
    const zone = await session.createOrImportZone({ domainName: 'lost.com', callerReference: 'cloudlink-lost' });
    expect(fake.counts.CreateHostedZone).toBe(2);
    expect(fake.counts.ListHostedZonesByName).toBe(1);
    expect(fake.zones.size).toBe(1);
    expect(zone).toEqual({ hostedZoneId: [...fake.zones.keys()][0], domainName: 'lost.com', nameServers: fake.zones.get(zone.hostedZoneId)?.nameServers });
  });

  it('adopts the zone of a reused CallerReference (a call whose process died), and reports it as a conflict once that zone is gone', async () => {
    const first = await session.createOrImportZone({ domainName: 'a.com', callerReference: 'same' });
    expect(await session.createOrImportZone({ domainName: 'a.com', callerReference: 'same' })).toEqual(first);
    expect(fake.counts.CreateHostedZone).toBe(2);
    expect([...fake.zones.values()].filter((z) => z.name === 'a.com.')).toHaveLength(1);
    await session.deleteZone(first);
    // Route 53 never accepts a caller reference twice, even after its zone was deleted.
    const e = await failure(session.createOrImportZone({ domainName: 'a.com', callerReference: 'same' }));
    expect(e.kind).toBe('conflict');
    expect(e.providerCode).toBe('HostedZoneAlreadyExists');
  });

  it('classifies errors: InvalidChangeBatch keeps its message, AccessDenied is refused, unknown zone is not-found', async () => {
    const zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r1' });
    const wrong = await failure(
      session.applyChanges(zone, [{ action: 'DELETE', recordSet: { name: 'nope.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.9'] } }]),
    );
    expect(wrong.kind).toBe('invalid-input');
    expect(wrong.message).toBe(
      "ChangeResourceRecordSets failed: InvalidChangeBatch: [Tried to delete resource record set [name='nope.myapp.com.', type='A'] but it was not found]",
    );
    fake.failNext('GetHostedZone', { status: 403, code: 'AccessDenied', message: 'User is not authorized' });
    expect((await failure(session.getZone(zone.hostedZoneId))).kind).toBe('refused');
    const missing: ZoneInfo = { hostedZoneId: 'ZMISSING', domainName: 'x.com', nameServers: [] };
    expect((await failure(session.applyChanges(missing, [{ action: 'UPSERT', recordSet: { name: 'x.com.', type: 'A', ttl: 1, values: ['192.0.2.1'] } }]))).kind).toBe(
      'not-found',
    );
  });

  it('retries throttling and PriorRequestNotComplete, then gives up as throttled after 5 attempts', async () => {
    const zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r1' });
    const change = { action: 'UPSERT' as const, recordSet: { name: 'www.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.1'] } };
    fake.failNext('ChangeResourceRecordSets', { status: 400, code: 'Throttling', message: 'Rate exceeded' });
    fake.failNext('ChangeResourceRecordSets', { status: 400, code: 'PriorRequestNotComplete', message: 'still processing' });
    await session.applyChanges(zone, [change]);
    expect(fake.counts.ChangeResourceRecordSets).toBe(3);
    expect(clock.sleeps).toEqual([250, 500]); // full jitter at 0.5 of 500·2^n

    fake.failNext('ChangeResourceRecordSets', { status: 400, code: 'Throttling', message: 'Rate exceeded', times: 5 });
    const e = await failure(session.applyChanges(zone, [change]));
    expect(e.kind).toBe('throttled');
    expect(e.progress).toEqual({ appliedChanges: 0, totalChanges: 1 });
    expect(fake.counts.ChangeResourceRecordSets).toBe(8);
  });

  it('deletes alias and routing-policy sets exactly as listed, so a zone holding them can be emptied', async () => {
    const zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r-alias' });
    fake.seed(zone.hostedZoneId, [
      { name: 'static.myapp.com.', type: 'A', values: [], aliasTarget: { hostedZoneId: 'Z3AQBSTGFYJSTF', dnsName: 's3-website-us-east-1.amazonaws.com.', evaluateTargetHealth: false } },
      { name: 'w.myapp.com.', type: 'A', ttl: 60, values: ['192.0.2.8'], setIdentifier: 'blue', weight: 10 },
      { name: 'w.myapp.com.', type: 'A', ttl: 60, values: ['192.0.2.9'], setIdentifier: 'green', weight: 90 },
      { name: 'www.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.1'] },
    ]);
    // What the engine does for DELETE …/resources/:id?deleteFromCloud=true: every listed set but the apex NS/SOA.
    const listed = await collect(session.listRecordSets(zone));
    const doomed = listed.filter((s) => !(s.name === 'myapp.com.' && (s.type === 'NS' || s.type === 'SOA')));
    expect(doomed).toHaveLength(4);
    await session.applyChanges(zone, doomed.map((recordSet) => ({ action: 'DELETE' as const, recordSet })));
    expect(fake.recordSets(zone.hostedZoneId).map((s) => s.type)).toEqual(['NS', 'SOA']);
    await session.deleteZone(zone);
    expect(await session.getZone(zone.hostedZoneId)).toBeNull();
  });

  it('retries reads after a timeout', async () => {
    const fast = createRoute53Provider({ endpoint: fake.url, clock, random: halfRandom, timeoutMs: 200 }).session({ provider: 'route53', credentials });
    const zone = await fast.createOrImportZone({ domainName: 'slow.com', callerReference: 'r1' });
    fake.fault({ match: (r) => r.method === 'GET', delayMs: 1_000 });
    expect(await fast.getZone(zone.hostedZoneId)).toEqual(zone);
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
  });
});
