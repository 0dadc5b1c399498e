import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { DnsSession, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { createRoute53Provider } from '../src/aws/route53/index.js';
import { aSet, collect, failure } from './support.js';
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
      aliasRecords: true,
      proxy: false,
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

  it('writes alias sets as AliasTarget alone (no TTL, no ResourceRecords), at the apex and for every AWS endpoint kind', async () => {
    const zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r-write-alias' });
    const alias = (name: string, hostedZoneId: string, dnsName: string, type = 'A'): RecordSet => ({
      name,
      type,
      ttl: null,
      values: [dnsName],
      alias: { hostedZoneId, dnsName, evaluateTargetHealth: false },
    });
    const sets = [
      alias('myapp.com.', 'Z35SXDOTRQ7X7K', 'dualstack.my-alb-1234.us-east-1.elb.amazonaws.com.'),
      alias('myapp.com.', 'Z35SXDOTRQ7X7K', 'dualstack.my-alb-1234.us-east-1.elb.amazonaws.com.', 'AAAA'),
      alias('cdn.myapp.com.', 'Z2FDTNDATAQYW2', 'd111111abcdef8.cloudfront.net.'),
      alias('nlb.myapp.com.', 'Z26RNL4JYFTOTI', 'my-nlb-1234.elb.us-east-1.amazonaws.com.'),
      alias('site.myapp.com.', 'Z3AQBSTGFYJSTF', 'site.myapp.com.s3-website-us-east-1.amazonaws.com.'),
    ];
    await session.applyChanges(zone, sets.map((recordSet) => ({ action: 'UPSERT' as const, recordSet })));
    const body = fake.requests.filter((r) => r.method === 'POST' && r.url.includes('/rrset')).at(-1)?.body ?? '';
    expect(body).toContain('<AliasTarget><HostedZoneId>Z35SXDOTRQ7X7K</HostedZoneId>');
    expect(body).not.toContain('<TTL>');
    expect(body).not.toContain('<ResourceRecords>');
    const shape = ({ name, type, ttl, values, alias: target }: RecordSet) => ({ name, type, ttl, values, alias: target });
    const listed = (await collect(session.listRecordSets(zone))).filter((s) => s.alias);
    // Route 53 order: the apex (A, AAAA), then cdn, nlb, site.
    expect(listed.map(shape)).toEqual(sets.map(shape));
  });

  it("refuses an alias whose hosted zone is not the endpoint's, with Route 53's message, and sends nothing else of the batch", async () => {
    const zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r-bad-alias' });
    const wrongZone: RecordSet = {
      name: 'www.myapp.com.',
      type: 'A',
      ttl: null,
      values: ['my-alb-1234.us-east-1.elb.amazonaws.com.'],
      alias: { hostedZoneId: 'Z2FDTNDATAQYW2', dnsName: 'my-alb-1234.us-east-1.elb.amazonaws.com.', evaluateTargetHealth: false },
    };
    const e = await failure(session.applyChanges(zone, [{ action: 'UPSERT', recordSet: aSet(1) }, { action: 'UPSERT', recordSet: wrongZone }]));
    expect(e).toMatchObject({ kind: 'invalid-input', providerCode: 'InvalidChangeBatch' });
    expect(e.message).toContain(
      'Tried to create an alias that targets my-alb-1234.us-east-1.elb.amazonaws.com., type A in zone Z2FDTNDATAQYW2, but the alias target name does not lie within the target zone',
    );
    expect(fake.recordSets(zone.hostedZoneId).map((s) => s.type)).toEqual(['NS', 'SOA']);
  });

  it('answers InvalidInput, as Route 53 does, to a change carrying AliasTarget together with TTL and ResourceRecords', async () => {
    const zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r-alias-ttl' });
    // The SDK itself, unvalidated: the provider never sends this shape.
    const client = new Route53Client({ endpoint: fake.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    const rrset = {
      Name: 'www.myapp.com.',
      Type: 'A' as const,
      TTL: 300,
      ResourceRecords: [{ Value: '192.0.2.1' }],
      AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'd1.cloudfront.net.', EvaluateTargetHealth: false },
    };
    const sent = client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.hostedZoneId, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: rrset }] } }));
    await expect(sent).rejects.toMatchObject({
      name: 'InvalidInput',
      message:
        'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one in Change with [Action=UPSERT, Name=www.myapp.com., Type=A, SetIdentifier=null]',
    });
    client.destroy();
  });

  it('counts an alias change as one element (twice for an UPSERT): 501 alias UPSERTs go out in 2 calls', async () => {
    const zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r-many-alias' });
    const before = fake.counts.ChangeResourceRecordSets;
    const changes = Array.from({ length: 501 }, (_, i) => ({
      action: 'UPSERT' as const,
      recordSet: { name: `a${i}.myapp.com.`, type: 'A', ttl: null, values: ['d1.cloudfront.net.'], alias: { hostedZoneId: 'Z2FDTNDATAQYW2', dnsName: 'd1.cloudfront.net.', evaluateTargetHealth: false } },
    }));
    await session.applyChanges(zone, changes);
    expect(fake.counts.ChangeResourceRecordSets - before).toBe(2);
  });

  it('refuses a proxied set before sending anything: Route 53 has no proxy', async () => {
    const zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'r-proxied' });
    const before = fake.counts.ChangeResourceRecordSets;
    expect((await failure(session.applyChanges(zone, [{ action: 'UPSERT', recordSet: { ...aSet(1), proxied: true } }]))).kind).toBe('invalid-input');
    expect(fake.counts.ChangeResourceRecordSets).toBe(before);
  });

  it('finds zones by exact name across ListHostedZonesByName pages, public ones only, and reads no page past that name', async () => {
    const ours = await session.createOrImportZone({ domainName: 'shop.example', callerReference: 'ours' });
    // Neighbours on both sides in Route 53 order (labels reversed): `example.a`, `example.shop.a`, `example.shopa`, `example.shop.x`.
    for (const name of ['a', 'a.shop.example', 'shopa.example', 'x.shop.example', 'shop.examplf']) fake.addZone(name);
    const foreign = Array.from({ length: 230 }, (_, i) => fake.addZone('shop.example', { callerReference: `foreign-${i}` }));
    fake.addZone('shop.example', { callerReference: 'private', privateZone: true });
    const before = fake.counts.ListHostedZonesByName;
    const found = await session.findZonesByName!('shop.example');
    expect(found).toHaveLength(231);
    expect(found.map((z) => z.info.hostedZoneId)).toEqual([ours.hostedZoneId, ...foreign]);
    expect(found[0]).toEqual({ info: ours, callerReference: 'ours' });
    expect(found[1]).toMatchObject({ info: { domainName: 'shop.example', nameServers: expect.arrayContaining([expect.stringMatching(/awsdns/)]) }, callerReference: 'foreign-0' });
    // 232 zones of that name at 100 a page: 3 pages; the zone after them ends the third.
    expect(fake.counts.ListHostedZonesByName - before).toBe(3);
    expect(await session.findZonesByName!('nothing.example')).toEqual([]);
    expect(await session.findZonesByName!('example')).toEqual([]);
  });

  it('retries reads after a timeout', async () => {
    const fast = createRoute53Provider({ endpoint: fake.url, clock, random: halfRandom, timeoutMs: 200 }).session({ provider: 'route53', credentials });
    const zone = await fast.createOrImportZone({ domainName: 'slow.com', callerReference: 'r1' });
    fake.fault({ match: (r) => r.method === 'GET', delayMs: 1_000 });
    expect(await fast.getZone(zone.hostedZoneId)).toEqual(zone);
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
  });
});
