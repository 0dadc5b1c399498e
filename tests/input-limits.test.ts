import { expect, it } from 'vitest';
import { useZonePairWorld } from './dns-fixture.js';
import { describeBackends, trpcFailure } from './harness/index.js';

/**
 * Length caps over real HTTP and tRPC: an over-long name or value is refused with 400
 * `Validation failed` naming the field, at once (the reported CAA input took seconds of one core),
 * and nothing reaches the provider or the stored copy.
 */

const CAA_ATTACK = `0 issue a${' '.repeat(64_000)}\nX`;

describeBackends('input length caps', (backend) => {
  const w = useZonePairWorld(backend);

  const storedRecords = async () => (await w.server.peek.rows('dns_records')).length;

  it('a CAA value with a long run of spaces: 400 naming values[0], over REST and tRPC', async () => {
    const before = { stored: await storedRecords(), live: w.r53.recordSets(w.r53ZoneId).length };
    const body = { recordName: '@', recordType: 'CAA', values: [CAA_ATTACK] };
    const rest = await w.server.rest('POST', `${w.base}/dns/${w.r53Id}/records`, { token: w.token, body });
    expect(rest.status).toBe(400);
    expect(rest.body).toMatchObject({ error: 'Validation failed', message: 'values[0]: must be at most 1024 characters' });
    const trpc = await trpcFailure(w.server.trpcClient(w.token).dns.upsertRecords.mutate({ ...w.env, id: w.r53Id, records: [body] }));
    expect(trpc).toMatchObject({ error: 'Validation failed', message: 'records[0].values[0]: must be at most 1024 characters' });
    expect({ stored: await storedRecords(), live: w.r53.recordSets(w.r53ZoneId).length }).toEqual(before);
  });

  it('an over-long record name and TXT value: 400 naming each field', async () => {
    const res = await w.server.rest('POST', `${w.base}/dns/${w.r53Id}/records`, {
      token: w.token,
      body: { records: [{ recordName: 'a'.repeat(300), recordType: 'A', values: ['192.0.2.1'] }, { recordName: 't', recordType: 'TXT', values: ['x'.repeat(4001)] }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { path: 'records[0].recordName', message: 'must be at most 253 characters' },
      { path: 'records[1].values[0]', message: 'must be at most 4000 characters' },
    ]);
  });

  it('an over-long domain name: 400 naming the field', async () => {
    const zone = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'z', domainName: `${'a.'.repeat(200)}com` } });
    expect(zone.status).toBe(400);
    expect(zone.body).toMatchObject({ error: 'Validation failed', message: 'domainName: must be at most 253 characters' });
  });
});
