import { describe, expect, it } from 'vitest';
import { describeDnsProviderConformance } from '@cloudlink/engine/testing';
import type { DnsConformanceContext } from '@cloudlink/engine/testing';
import type { RecordSet } from '@cloudlink/engine';
import { isProviderCallError } from '@cloudlink/engine';
import { sandboxDnsConformance } from '@cloudlink/sandbox';
import type { AzureDnsUnderTest } from '@cloudlink/sandbox';

const plain = (s: RecordSet) => ({ name: s.name, type: s.type, ttl: s.ttl, values: [...s.values].sort() });

async function failure(promise: Promise<unknown>) {
  const e = await promise.then(() => new Error('expected a ProviderCallError'), (x: unknown) => x);
  if (!isProviderCallError(e)) throw e;
  return e;
}

/** The ETag rule: a write never overwrites a change someone else made since the read. */
function etagCases(ctx: DnsConformanceContext): void {
  describe('ETags', () => {
    const fakeZone = () => {
      const { fake } = ctx.under as AzureDnsUnderTest;
      const zone = [...fake.zones.values()].find((z) => z.name === ctx.zone.domainName);
      if (!zone) throw new Error('zone missing at the fake');
      return { fake, zone };
    };

    it('returns the ETag of every set it reads, and a new one after each write', async () => {
      const set = { name: ctx.name('www'), type: 'A', ttl: 300, values: ['192.0.2.1'] };
      const [first] = await ctx.session.applyChanges(ctx.zone, [{ action: 'UPSERT', recordSet: set }]);
      const read = await ctx.session.getRecordSet(ctx.zone, set.name, 'A');
      expect(read?.etag).toBeTruthy();
      expect(read?.etag).toBe(first?.recordSet?.etag);
      const [second] = await ctx.session.applyChanges(ctx.zone, [{ action: 'UPSERT', recordSet: { ...read!, values: ['192.0.2.2'] } }]);
      expect(second?.recordSet?.etag).toBeTruthy();
      expect(second?.recordSet?.etag).not.toBe(read?.etag);
      for await (const listed of ctx.session.listRecordSets(ctx.zone)) expect(listed.etag).toBeTruthy();
    });

    it('refuses a write of a set changed by someone else since the read (`conflict`), and leaves their change', async () => {
      const set = { name: ctx.name('www'), type: 'A', ttl: 300, values: ['192.0.2.1'] };
      await ctx.session.applyChanges(ctx.zone, [{ action: 'UPSERT', recordSet: set }]);
      const read = (await ctx.session.getRecordSet(ctx.zone, set.name, 'A'))!;
      const { fake, zone } = fakeZone();
      fake.putRecordSet(zone, 'www', 'A', { TTL: 60, ARecords: [{ ipv4Address: '198.51.100.7' }] });
      const e = await failure(ctx.session.applyChanges(ctx.zone, [{ action: 'UPSERT', recordSet: { ...read, values: ['192.0.2.9'] } }]));
      expect(e).toMatchObject({ kind: 'conflict', providerCode: 'PreconditionFailed', progress: { appliedChanges: 0, totalChanges: 1 } });
      expect(plain((await ctx.session.getRecordSet(ctx.zone, set.name, 'A'))!)).toEqual({ ...plain(set), ttl: 60, values: ['198.51.100.7'] });
      const gone = await failure(ctx.session.applyChanges(ctx.zone, [{ action: 'DELETE', recordSet: read }]));
      expect(gone.kind).toBe('conflict');
      expect(await ctx.session.getRecordSet(ctx.zone, set.name, 'A')).not.toBeNull();
    });

    it('refuses a create of a set someone else created between the read and the write', async () => {
      const { fake, zone } = fakeZone();
      const set = { name: ctx.name('new'), type: 'TXT', ttl: 300, values: ['"ours"'] };
      // The foreign write lands after the provider read the set as absent and before its PUT arrives.
      fake.fault({
        times: 1,
        match: (r) => {
          if (r.method !== 'PUT' || !/\/TXT\/new\?/.test(r.url)) return false;
          fake.putRecordSet(zone, 'new', 'TXT', { TTL: 300, TXTRecords: [{ value: ['theirs'] }] });
          return false;
        },
      });
      const e = await failure(ctx.session.applyChanges(ctx.zone, [{ action: 'UPSERT', recordSet: set }]));
      expect(e).toMatchObject({ kind: 'conflict', providerCode: 'PreconditionFailed' });
      expect((await ctx.session.getRecordSet(ctx.zone, set.name, 'TXT'))?.values).toEqual(['"theirs"']);
    });

    it('plans one write call per change, in request order, with the decision applyChanges takes', async () => {
      const a = { name: ctx.name('a'), type: 'A', ttl: 300, values: ['192.0.2.1'] };
      await ctx.session.applyChanges(ctx.zone, [{ action: 'UPSERT', recordSet: a }]);
      const changes = [
        { action: 'UPSERT' as const, recordSet: { ...a, values: ['192.0.2.2'] } },
        { action: 'UPSERT' as const, recordSet: { name: ctx.name('b'), type: 'TXT', ttl: 300, values: ['"b"'] } },
        { action: 'DELETE' as const, recordSet: { ...a, values: ['192.0.2.2'] } },
      ];
      const writesBefore = ctx.under.faults.batchCalls();
      const plan = await ctx.session.planChanges!(ctx.zone, changes);
      expect(plan).toEqual([
        { call: 'RecordSets.createOrUpdate', changes: [0] },
        { call: 'RecordSets.createOrUpdate', changes: [1] },
        { call: 'RecordSets.delete', changes: [2] },
      ]);
      expect(ctx.under.faults.batchCalls()).toBe(writesBefore);
      await ctx.session.applyChanges(ctx.zone, changes);
      expect(ctx.under.faults.batchCalls() - writesBefore).toBe(plan.length);
      // A DELETE that matches nothing is refused by the plan as by the apply.
      expect((await failure(ctx.session.planChanges!(ctx.zone, [changes[2]!]))).kind).toBe('invalid-input');
    });

    it('deletes the zone through the long-running operation, polled on the provider clock; gone counts as done', async () => {
      const waited = ctx.under.sleeps.length;
      await ctx.session.deleteZone(ctx.zone);
      expect(ctx.under.sleeps.length).toBeGreaterThan(waited);
      expect(await ctx.session.getZone(ctx.zone.hostedZoneId)).toBeNull();
      await ctx.session.deleteZone(ctx.zone);
    });

    it('adopts a zone of the same name already in the resource group', async () => {
      const again = await ctx.session.createOrImportZone({ domainName: ctx.zone.domainName, callerReference: 'another' });
      expect(again).toEqual(ctx.zone);
      expect(ctx.zone.nameServers.length).toBe(4);
      expect(ctx.zone.hostedZoneId).toMatch(/^\/subscriptions\/[^/]+\/resourceGroups\/cloudlink-dns\/providers\/Microsoft\.Network\/dnszones\/conformance\.test$/);
    });
  });
}

// The real provider on @azure/arm-dns over the SDK's own Node HTTP client, talking to the Azure DNS
// fake on an https port (the SDK sends bearer tokens over TLS only); the same provider through the
// sandbox's in-process seam runs in packages/sandbox/test.
describeDnsProviderConformance({ name: 'azuredns (real provider, ARM fake on an https port)', create: sandboxDnsConformance('azuredns', 'port'), additionalTests: etagCases });
