import { describe, expect, it } from 'vitest';
import type { Resource } from '../domain/records.js';
import { createDnsTestbed, type DnsTestbed, type DnsTestbedOptions } from '../testing/dns/dns-testbed.js';
import { engineError } from '../testing/engine-error.js';

/**
 * Plan before apply and the safety threshold (docs/records.md#plan-before-apply) on the memory
 * providers: what a dry run answers, that it changes nothing, and when the threshold refuses.
 * The dry run ≡ real run property over the sandbox's real providers is in
 * packages/sandbox/test/dry-run.property.test.ts.
 */

async function route53Zone(t: DnsTestbed) {
  await t.linkAws();
  const z = await t.engine.dns.createZone(t.owner, { ...t.env, name: 'z', domainName: 'myapp.com' });
  return { id: z.data.id, hostedZoneId: z.data.hostedZoneId, path: { ...t.env, id: z.data.id } };
}

const item = (i: number, value = `10.0.0.${i}`) => ({ recordName: `h${i}`, recordType: 'A', values: [value], ttl: 300 });
const items = (from: number, to: number, value?: string) => Array.from({ length: to - from }, (_, k) => item(from + k, value));

async function zoneWith(n: number, options: DnsTestbedOptions = {}) {
  const t = await createDnsTestbed(options);
  const z = await route53Zone(t);
  await t.engine.dns.upsertRecords(t.owner, { ...z.path, records: items(0, n) });
  const listing = () => t.route53.recordSets(z.hostedZoneId).map((s) => `${s.name} ${s.type} ${s.ttl} ${s.values.join(',')}`);
  const stored = async () => (await t.storage.dnsRecords.listRecordSets(z.id)).map((s) => `${s.name} ${s.type} ${s.ttl} ${s.values.join(',')} ${s.managed}`);
  const audit = async () => (await t.storage.audit.listAudit(t.workspace.id, {}, { limit: 100 })).map((a) => a.operation);
  const writes = () => t.route53.calls.filter((c) => c.call === 'applyChanges').length;
  return { t, z, listing, stored, audit, writes };
}

/** Everything a dry run must leave alone. */
async function stateOf(w: Awaited<ReturnType<typeof zoneWith>>) {
  return { listing: w.listing(), stored: await w.stored(), audit: await w.audit(), writes: w.writes() };
}

describe('dry runs (see docs/records.md#plan-before-apply)', () => {
  it('answers the change set with old and new values, the provider calls and the counts, and changes nothing', async () => {
    const w = await zoneWith(3);
    const before = await stateOf(w);
    const res = await w.t.engine.dns.upsertRecords(w.t.owner, { ...w.z.path, dryRun: 'true', records: [item(0), item(1, '10.9.9.9'), item(7)] });
    expect(res).toEqual({
      message: 'Dry run: no changes were made',
      dryRun: true,
      data: {
        changes: [
          { action: 'unchanged', recordName: 'h0.myapp.com.', recordType: 'A', old: { ttl: 300, values: ['10.0.0.0'] }, new: { ttl: 300, values: ['10.0.0.0'] } },
          { action: 'update', recordName: 'h1.myapp.com.', recordType: 'A', old: { ttl: 300, values: ['10.0.0.1'] }, new: { ttl: 300, values: ['10.9.9.9'] } },
          { action: 'create', recordName: 'h7.myapp.com.', recordType: 'A', old: null, new: { ttl: 300, values: ['10.0.0.7'] } },
        ],
        // Route 53 resends an identical set (an idempotent UPSERT), so all three go in the one call.
        providerCalls: [{ call: 'applyChanges', changes: [0, 1, 2] }],
        summary: { create: 1, update: 1, delete: 0, unchanged: 1, existingRecordSets: 3 },
        safety: { thresholdPercent: 30, minExistingRecordSets: 10, applies: false, wouldRefuse: false, force: false },
      },
    });
    expect(await stateOf(w)).toEqual(before);
  });

  it('a DELETE dry run names the sets it would remove; the real run then sends exactly the planned calls', async () => {
    const w = await zoneWith(3);
    const before = await stateOf(w);
    const dry = await w.t.engine.dns.deleteRecords(w.t.owner, { ...w.z.path, dryRun: true, records: [item(0), item(2)] });
    expect(dry.data.changes.map((c) => [c.action, c.recordName, c.new])).toEqual([
      ['delete', 'h0.myapp.com.', null],
      ['delete', 'h2.myapp.com.', null],
    ]);
    expect(await stateOf(w)).toEqual(before);
    await w.t.engine.dns.deleteRecords(w.t.owner, { ...w.z.path, records: [item(0), item(2)] });
    expect(w.writes() - before.writes).toBe(dry.data.providerCalls.length);
    expect(w.listing().filter((l) => l.startsWith('h'))).toEqual(['h1.myapp.com. A 300 10.0.0.1']);
  });

  it('takes dryRun and force as true/false only (query string or JSON body), else 400 naming the field', async () => {
    const w = await zoneWith(1);
    for (const [field, value] of [['dryRun', 'yes'], ['force', 1], ['dryRun', 'TRUE']] as const) {
      const e = await engineError(w.t.engine.dns.upsertRecords(w.t.owner, { ...w.z.path, [field]: value, records: [item(5)] }));
      expect(e.code).toBe('VALIDATION');
      expect(e.message).toBe(`${field}: must be true or false`);
    }
    expect(w.listing().filter((l) => l.startsWith('h'))).toHaveLength(1);
    // `false` is a real run.
    await w.t.engine.dns.upsertRecords(w.t.owner, { ...w.z.path, dryRun: 'false', records: [item(5)] });
    expect(w.listing().filter((l) => l.startsWith('h'))).toHaveLength(2);
  });

  it('a zone delete with deleteFromCloud plans every DELETE and the zone delete, and deletes nothing', async () => {
    const w = await zoneWith(4);
    const before = await stateOf(w);
    const dry = await w.t.engine.resources.delete(w.t.owner, { ...w.t.env, resourceId: w.z.id, dryRun: 'true' });
    expect(dry.data.summary).toEqual({ create: 0, update: 0, delete: 4, unchanged: 0, existingRecordSets: 4 });
    expect(dry.data.providerCalls).toEqual([
      { call: 'applyChanges', changes: [0, 1, 2, 3] },
      { call: 'deleteZone', changes: [] },
    ]);
    expect(await stateOf(w)).toEqual(before);
    expect(await w.t.storage.resources.getResourceById(w.z.id)).toMatchObject({ status: 'active' });
    // Only a zone delete is planned.
    const other = await w.t.engine.resources.register(w.t.owner, { ...w.t.env, resourceType: 'instance', name: 'web' });
    const e = await engineError(w.t.engine.resources.delete(w.t.owner, { ...w.t.env, resourceId: other.data.id, dryRun: 'true' }));
    expect(e.message).toBe('dryRun: only the delete of a DNS zone can be planned');
  });

  it('a resource connection dry run stores no row and writes no record; a disconnect dry run removes nothing', async () => {
    const w = await zoneWith(1);
    const zone = (await w.t.storage.resources.getResourceById(w.z.id)) as Resource;
    const scope = { workspaceId: zone.workspaceId, projectId: zone.projectId, environmentId: zone.environmentId, createdBy: w.t.owner.userId, secretData: null, positionX: null, positionY: null, cloudConnectionId: null, region: null, status: 'active', resourceId: null };
    const www = await w.t.storage.resources.createResource({ ...scope, resourceType: 'subdomain', name: 'www', domainName: 'www.myapp.com', parentResourceId: zone.id, metadata: {}, now: w.t.clock.now() });
    const web = await w.t.storage.resources.createResource({ ...scope, resourceType: 'instance', name: 'web', domainName: null, metadata: { dnsTarget: { addresses: ['192.0.2.10'] } }, now: w.t.clock.now() });
    const before = await stateOf(w);
    const dry = await w.t.engine.resourceConnections.create(w.t.owner, { ...w.t.env, sourceId: www.id, targetId: web.id, dryRun: true });
    expect(dry.data.changes.map((c) => `${c.action} ${c.recordName} ${c.recordType}`)).toEqual(['create www.myapp.com. A', 'create _gateways_app.www.myapp.com. TXT']);
    expect(dry.data.providerCalls).toEqual([{ call: 'applyChanges', changes: [0, 1] }]);
    expect(await stateOf(w)).toEqual(before);
    expect(await w.t.storage.resourceConnections.listConnectionsOfResource(www.id)).toEqual([]);

    const real = await w.t.engine.resourceConnections.create(w.t.owner, { ...w.t.env, sourceId: www.id, targetId: web.id });
    expect(w.writes() - before.writes).toBe(1);
    const connected = await stateOf(w);
    const gone = await w.t.engine.resourceConnections.delete(w.t.owner, { ...w.t.env, id: real.data.id, dryRun: 'true' });
    expect(gone.data.summary).toMatchObject({ delete: 2 });
    expect(await stateOf(w)).toEqual(connected);
    expect((await w.t.engine.resourceConnections.get(w.t.owner, { ...w.t.env, id: real.data.id })).data.status).toBe('active');
  });
});

describe('the safety threshold (see docs/records.md#plan-before-apply)', () => {
  it('refuses a write that updates or deletes more than 30 % of 10+ record sets with 409 Too many changes, sending nothing', async () => {
    const w = await zoneWith(10);
    const before = await stateOf(w);
    // 4 of 10 is 40 %.
    const e = await engineError(w.t.engine.dns.upsertRecords(w.t.owner, { ...w.z.path, records: items(0, 4, '10.1.1.1') }));
    expect(e.code).toBe('CONFLICT');
    expect(e.toBody()).toEqual({
      error: 'Too many changes',
      message: "This write would update or delete 4 of the zone's 10 record sets, more than 30%; repeat it with force=true to apply it anyway",
      data: { update: 4, delete: 0, existingRecordSets: 10, thresholdPercent: 30, minExistingRecordSets: 10 },
    });
    const d = await engineError(w.t.engine.dns.deleteRecords(w.t.owner, { ...w.z.path, records: items(0, 4) }));
    expect(d.data).toMatchObject({ update: 0, delete: 4 });
    // Nothing sent or stored; like any refused attempt, each left a failure entry in the audit log.
    const after = await stateOf(w);
    expect({ ...after, audit: before.audit }).toEqual(before);
    expect(after.audit).toEqual(['dns.deleteRecords', 'dns.upsertRecords', ...before.audit]);
  });

  it('passes with force=true, and at exactly the threshold', async () => {
    const w = await zoneWith(10);
    await w.t.engine.dns.upsertRecords(w.t.owner, { ...w.z.path, records: items(0, 3, '10.1.1.1') });
    expect(w.listing().filter((l) => l.includes('10.1.1.1'))).toHaveLength(3);
    await w.t.engine.dns.deleteRecords(w.t.owner, { ...w.z.path, force: 'true', records: items(3, 10) });
    expect(w.listing().filter((l) => l.startsWith('h'))).toHaveLength(3);
  });

  it('does not apply below the minimum number of record sets; creates never count', async () => {
    const w = await zoneWith(9);
    await w.t.engine.dns.upsertRecords(w.t.owner, { ...w.z.path, records: [...items(0, 9, '10.2.2.2'), ...items(9, 40)] });
    expect(w.listing().filter((l) => l.startsWith('h'))).toHaveLength(40);
  });

  it('a dry run reports the refusal with 200 instead of failing', async () => {
    const w = await zoneWith(10);
    const dry = await w.t.engine.dns.deleteRecords(w.t.owner, { ...w.z.path, dryRun: 'true', records: items(0, 5) });
    expect(dry.data.safety).toEqual({ thresholdPercent: 30, minExistingRecordSets: 10, applies: true, wouldRefuse: true, force: false });
    const forced = await w.t.engine.dns.deleteRecords(w.t.owner, { ...w.z.path, dryRun: 'true', force: 'true', records: items(0, 5) });
    expect(forced.data.safety).toMatchObject({ wouldRefuse: true, force: true });
  });

  it('is configured by dns.safety, and counts the live zone when the stored copy is behind', async () => {
    const w = await zoneWith(10, { safety: { thresholdPercent: 50, minExistingRecordSets: 4 } });
    await w.t.engine.dns.deleteRecords(w.t.owner, { ...w.z.path, records: items(0, 5) });
    // Sets made outside cloudlink are not in the stored copy (until a sync): the refusal counts what the provider holds.
    for (let i = 100; i < 120; i++) w.t.route53.putRecordSet(w.z.hostedZoneId, { name: `x${i}.myapp.com.`, type: 'A', ttl: 60, values: ['192.0.2.1'] });
    await w.t.engine.dns.deleteRecords(w.t.owner, { ...w.z.path, records: items(5, 10) });
    expect(w.listing().filter((l) => l.startsWith('h'))).toEqual([]);
    const e = await engineError(w.t.engine.dns.upsertRecords(w.t.owner, { ...w.z.path, records: Array.from({ length: 11 }, (_, k) => ({ recordName: `x${100 + k}`, recordType: 'A', values: ['192.0.2.2'] })) }));
    expect(e.data).toMatchObject({ update: 11, existingRecordSets: 20, thresholdPercent: 50, minExistingRecordSets: 4 });
  });
});
