import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProviderCallError } from '@cloudlink/engine';
import type { DnsSession, RecordChange, RecordSet, ZoneInfo } from '@cloudlink/engine';
import { createRoute53Provider, planChangeBatches } from '../src/aws/route53/index.js';
import { aSet, failure, upserts } from './support.js';
import { createInstantClock, halfRandom, startFakeRoute53, type ListeningRoute53 } from '@cloudlink/sandbox';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('route53 change batching', () => {
  it('plans 2 500 single-value UPSERTs as 5 batches of 500 (an UPSERT counts twice)', () => {
    const batches = planChangeBatches(upserts(2500));
    expect(batches.map((b) => b.end - b.start)).toEqual([500, 500, 500, 500, 500]);
  });

  it('splits on the 32 000-character limit and counts DELETE once', () => {
    const long = (i: number, action: 'UPSERT' | 'DELETE'): RecordChange => ({
      action,
      recordSet: { name: `t${i}.myapp.com.`, type: 'TXT', ttl: 300, values: [`"${'x'.repeat(3998)}"`] },
    });
    // 4 000 chars × 2 = 8 000 per UPSERT → 4 per batch; DELETE 4 000 → 8 per batch.
    expect(planChangeBatches(Array.from({ length: 9 }, (_, i) => long(i, 'UPSERT'))).map((b) => b.end - b.start)).toEqual([4, 4, 1]);
    expect(planChangeBatches(Array.from({ length: 9 }, (_, i) => long(i, 'DELETE'))).map((b) => b.end - b.start)).toEqual([8, 1]);
  });

  it('refuses a single change over a limit as invalid input', () => {
    const huge: RecordChange = {
      action: 'UPSERT',
      recordSet: { name: 'big.myapp.com.', type: 'A', ttl: 300, values: Array.from({ length: 501 }, (_, i) => `10.1.${Math.floor(i / 256)}.${i % 256}`) },
    };
    expect(() => planChangeBatches([huge])).toThrow(/counts 1002 records/);
    try {
      planChangeBatches([huge]);
    } catch (e) {
      expect(isProviderCallError(e) && e.kind).toBe('invalid-input');
    }
  });
});

describe('route53 batches against the fake', () => {
  let fake: ListeningRoute53;
  let session: DnsSession;
  let zone: ZoneInfo;

  beforeEach(async () => {
    fake = await startFakeRoute53();
    session = createRoute53Provider({ endpoint: fake.url, clock: createInstantClock(), random: halfRandom }).session({ provider: 'route53', credentials });
    zone = await session.createOrImportZone({ domainName: 'myapp.com', callerReference: 'cloudlink-batch' });
  });
  afterEach(() => fake.close());

  it('sends 2 500 UPSERTs in exactly 5 ChangeResourceRecordSets calls, each outcome naming its batch', async () => {
    const outcomes = await session.applyChanges(zone, upserts(2500));
    expect(fake.counts.ChangeResourceRecordSets).toBe(5);
    expect(fake.recordSets(zone.hostedZoneId)).toHaveLength(2502);
    expect(outcomes).toHaveLength(2500);
    const ids = outcomes.map((o) => o.changeId);
    expect(new Set(ids).size).toBe(5);
    expect(ids[0]).toBe(ids[499]);
    expect(ids[499]).not.toBe(ids[500]);
  });

  it('a fake batch over the limit is refused whole by the fake (the rule the planner follows)', async () => {
    const res = await fetch(`${fake.url}/2013-04-01/hostedzone/${zone.hostedZoneId}/rrset`, {
      method: 'POST',
      body: `<ChangeResourceRecordSetsRequest><ChangeBatch><Changes>${upserts(501)
        .map((c) => `<Change><Action>UPSERT</Action><ResourceRecordSet><Name>${c.recordSet.name}</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>${c.recordSet.values[0]}</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>`)
        .join('')}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>InvalidChangeBatch</Code>');
    expect(fake.recordSets(zone.hostedZoneId)).toHaveLength(2);
  });

  it('stops at the failing batch and reports progress; earlier batches stay applied, later ones are not sent', async () => {
    const changes = upserts(2500);
    // Change 1 200 (third batch) deletes a set that does not exist: Route 53 refuses that batch whole.
    changes[1200] = { action: 'DELETE', recordSet: { name: 'ghost.myapp.com.', type: 'A', ttl: 300, values: ['192.0.2.1'] } };
    const e = await failure(session.applyChanges(zone, changes));
    expect(e.kind).toBe('invalid-input');
    expect(e.progress).toEqual({ appliedChanges: 1000, totalChanges: 2500 });
    expect(fake.counts.ChangeResourceRecordSets).toBe(3);
    expect(fake.recordSets(zone.hostedZoneId)).toHaveLength(1002);
  });

  it('resends an UPSERT-only batch after a 5xx', async () => {
    fake.failNext('ChangeResourceRecordSets', { status: 500, code: 'InternalFailure' });
    await session.applyChanges(zone, upserts(3));
    expect(fake.counts.ChangeResourceRecordSets).toBe(2);
  });

  it('reads a DELETE batch back after a lost answer and counts it as applied without resending', async () => {
    await session.applyChanges(zone, upserts(2));
    fake.failNext('ChangeResourceRecordSets', { status: 503, code: 'ServiceUnavailable', afterApply: true });
    const outcomes = await session.applyChanges(zone, [{ action: 'DELETE', recordSet: aSet(0) }, { action: 'UPSERT', recordSet: aSet(5) }]);
    expect(fake.counts.ChangeResourceRecordSets).toBe(2);
    expect(fake.counts.ListResourceRecordSets).toBe(1);
    expect(outcomes.map((o) => o.changeId)).toEqual([null, null]);
    expect(fake.recordSets(zone.hostedZoneId).map((s) => s.name)).toContain('host-5.myapp.com.');
  });

  it('reads a DELETE batch back after a 5xx that applied nothing, then resends it', async () => {
    await session.applyChanges(zone, upserts(2));
    fake.failNext('ChangeResourceRecordSets', { status: 500, code: 'InternalFailure' });
    const outcomes = await session.applyChanges(zone, [{ action: 'DELETE', recordSet: aSet(0) }]);
    expect(fake.counts.ChangeResourceRecordSets).toBe(3);
    expect(fake.counts.ListResourceRecordSets).toBe(1);
    expect(outcomes[0]?.changeId).toMatch(/^C/);
    expect(fake.recordSets(zone.hostedZoneId).map((s) => s.name)).not.toContain('host-0.myapp.com.');
  });

  it('streams a 5 000-set zone page by page in Route 53 order, holding one page', async () => {
    fake.seed(
      zone.hostedZoneId,
      Array.from({ length: 5000 }, (_, i) => ({ name: i % 2 ? `h${i}.sub.myapp.com.` : `h${i}.myapp.com.`, type: 'A', ttl: 60, values: ['192.0.2.1'] })),
    );
    fake.seed(zone.hostedZoneId, [
      { name: '*.myapp.com.', type: 'A', ttl: 60, values: ['192.0.2.7'] },
      { name: 'static.myapp.com.', type: 'A', values: [], aliasTarget: { hostedZoneId: 'Z3AQBSTGFYJSTF', dnsName: 's3-website-us-east-1.amazonaws.com.', evaluateTargetHealth: false } },
      { name: 'w.myapp.com.', type: 'A', ttl: 60, values: ['192.0.2.8'], setIdentifier: 'blue', weight: 10 },
    ]);
    const iterator = session.listRecordSets(zone)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ name: 'myapp.com.', type: 'NS' });
    expect(fake.counts.ListResourceRecordSets).toBe(1);
    const seen: RecordSet[] = [first.value as RecordSet];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) seen.push(r.value);
    expect(seen).toHaveLength(5005);
    expect(fake.counts.ListResourceRecordSets).toBe(Math.ceil(5005 / 300));
    const keys = seen.map((s) => `${s.name.slice(0, -1).split('.').reverse().join('.')}.\u0000${s.type}`);
    expect(keys).toEqual([...keys].sort());
    expect(seen.find((s) => s.name === '*.myapp.com.')?.values).toEqual(['192.0.2.7']);
    expect(seen.find((s) => s.name === 'static.myapp.com.')).toEqual({
      name: 'static.myapp.com.',
      type: 'A',
      ttl: null,
      values: ['s3-website-us-east-1.amazonaws.com.'],
      alias: { hostedZoneId: 'Z3AQBSTGFYJSTF', dnsName: 's3-website-us-east-1.amazonaws.com.', evaluateTargetHealth: false },
    });
    expect(seen.find((s) => s.name === 'w.myapp.com.')?.routingPolicy).toBe(true);
  });
});
