import { describe, expect, it } from 'vitest';
import type { StoredRecordSet } from '../../../domain/records.js';
import { T0, at, raw, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

const set = (name: string, values: string[] = ['192.0.2.1'], managed = true): StoredRecordSet => ({
  name,
  type: 'A',
  ttl: 300,
  values,
  managed,
  providerIds: null,
});
/** More sets than one multi-row statement carries on either database. */
const MANY = 5000;
const many = (prefix: string) => Array.from({ length: MANY }, (_, i) => set(`${prefix}${i}.example.com.`));
/** A set the database refuses (NOT NULL name): a failure injected in the last chunk. */
const refused = { ...set('x.example.com.'), name: null } as unknown as StoredRecordSet;

const stored = async (ctx: StorageConformanceContext) =>
  (await ctx.rows('dns_records')).map((r) => `${String(r.name)} ${raw.json(r.values) as string} ${raw.bool(r.managed) ? 'managed' : 'foreign'}`).sort();

/** All-or-nothing writes of the stored record copy, and the creation notes (record sets and zones). */
export function describeDnsWriteIntents(ctx: StorageConformanceContext): void {
  async function zone() {
    const s = await fixtures(ctx.storage).scope();
    return { scope: s, zone: (await fixtures(ctx.storage).resource(s, { domainName: 'example.com' })).id };
  }

  describe('dnsRecords writes are all or nothing', () => {
    it('putRecordSets writes many sets, and none of them when one is refused', async () => {
      const { zone: id } = await zone();
      await ctx.storage.dnsRecords.putRecordSets(id, [set('keep.example.com.', ['192.0.2.9'], false)], T0);
      const before = await stored(ctx);
      await expect(ctx.storage.dnsRecords.putRecordSets(id, [set('keep.example.com.', ['192.0.2.1'], true), ...many('a'), refused], at(1))).rejects.toThrow();
      expect(await stored(ctx)).toEqual(before);
      await ctx.storage.dnsRecords.putRecordSets(id, many('a'), at(2));
      expect(await ctx.rows('dns_records')).toHaveLength(MANY + 1);
    });

    it('replaceRecordSets keeps the old copy, managed flags included, when the new one is refused', async () => {
      const { zone: id } = await zone();
      await ctx.storage.dnsRecords.putRecordSets(id, [set('ours.example.com.'), set('theirs.example.com.', ['192.0.2.2'], false)], T0);
      const before = await stored(ctx);
      await expect(ctx.storage.dnsRecords.replaceRecordSets(id, [...many('b'), refused], at(1))).rejects.toThrow();
      expect(await stored(ctx)).toEqual(before);
      await ctx.storage.dnsRecords.replaceRecordSets(id, many('b'), at(2));
      expect(await ctx.rows('dns_records')).toHaveLength(MANY);
    });

    it('deleteRecordSets removes exactly the listed sets, however many', async () => {
      const { zone: id } = await zone();
      await ctx.storage.dnsRecords.putRecordSets(id, many('c'), T0);
      // Far more keys than one statement binds: every existing set but the last, plus keys that match nothing.
      const keys = [...many('c').slice(0, -1), ...Array.from({ length: 15_000 }, (_, i) => set(`none${i}.example.com.`))];
      await ctx.storage.dnsRecords.deleteRecordSets(id, keys);
      expect((await ctx.rows('dns_records')).map((r) => r.name)).toEqual([`c${MANY - 1}.example.com.`]);
    });
  });

  describe('dnsRecords creation notes', () => {
    it('notes, lists (by name, then type), replaces and settles the sets a write will create', async () => {
      const { zone: id, scope } = await zone();
      const other = (await fixtures(ctx.storage).resource(scope, { domainName: 'example.org' })).id;
      await ctx.storage.dnsRecords.noteCreateIntents(id, [{ name: 'b.example.com.', type: 'A', values: ['192.0.2.1'] }, { name: 'a.example.com.', type: 'TXT', values: ['"x"'] }], T0);
      await ctx.storage.dnsRecords.noteCreateIntents(id, [{ name: 'b.example.com.', type: 'A', values: ['192.0.2.7'] }], at(1));
      await ctx.storage.dnsRecords.noteCreateIntents(other, [{ name: 'z.example.org.', type: 'A', values: ['192.0.2.3'] }], T0);
      expect(await ctx.storage.dnsRecords.listCreateIntents(id)).toEqual([
        { name: 'a.example.com.', type: 'TXT', values: ['"x"'] },
        { name: 'b.example.com.', type: 'A', values: ['192.0.2.7'] },
      ]);
      const rows = await ctx.rows('dns_record_intents');
      expect(rows.map((r) => [raw.num(r.zone_resource_id), r.name, r.type, raw.json(r.values)])).toContainEqual([id, 'b.example.com.', 'A', ['192.0.2.7']]);
      await ctx.storage.dnsRecords.settleCreateIntents(id, [{ name: 'b.example.com.', type: 'A' }]);
      expect(await ctx.storage.dnsRecords.listCreateIntents(id)).toEqual([{ name: 'a.example.com.', type: 'TXT', values: ['"x"'] }]);
      // Notes never show in the stored copy.
      expect(await ctx.storage.dnsRecords.listRecordSets(id)).toEqual([]);
      await ctx.storage.dnsRecords.deleteAllRecordSets(id);
      expect(await ctx.storage.dnsRecords.listCreateIntents(id)).toEqual([]);
      expect(await ctx.storage.dnsRecords.listCreateIntents(other)).toHaveLength(1);
    });

    it('notes are all or nothing too', async () => {
      const { zone: id } = await zone();
      const bad = { name: null, type: 'A', values: ['192.0.2.1'] } as unknown as { name: string; type: string; values: string[] };
      const notes = many('n').map((s) => ({ name: s.name, type: s.type, values: s.values }));
      await expect(ctx.storage.dnsRecords.noteCreateIntents(id, [...notes, bad], T0)).rejects.toThrow();
      expect(await ctx.rows('dns_record_intents')).toEqual([]);
    });
  });

  describe('resources zone creation notes', () => {
    it('claims one note per environment and domain, returns the first to a second claim, and settles it once', async () => {
      const { scope } = await zone();
      const input = {
        workspaceId: scope.workspace.id,
        projectId: scope.project.id,
        environmentId: scope.environment.id,
        cloudConnectionId: null,
        provider: 'cloudflare' as const,
        domainName: 'new.example',
        callerReference: 'ref-1',
        now: T0,
      };
      const first = await ctx.storage.resources.claimZoneIntent(input);
      const { now: _now, ...recorded } = input;
      expect(first).toEqual({ ...recorded, id: expect.any(Number), createdAt: T0 });
      const second = await ctx.storage.resources.claimZoneIntent({ ...input, callerReference: 'ref-2', now: at(5) });
      expect(second).toEqual(first);
      const rows = await ctx.rows('dns_zone_intents');
      expect(rows.map((r) => [r.domain_name, r.caller_reference, r.provider])).toEqual([['new.example', 'ref-1', 'cloudflare']]);
      // A note is not a resource: it neither counts nor takes the domain.
      expect(await ctx.storage.resources.countResources({ projectId: scope.project.id })).toBe(1);
      expect(await ctx.storage.resources.dnsDomainTaken(scope.environment.id, 'new.example')).toBe(false);
      expect(await ctx.storage.resources.settleZoneIntent(first.id)).toBe(true);
      expect(await ctx.storage.resources.settleZoneIntent(first.id)).toBe(false);
      expect(await ctx.rows('dns_zone_intents')).toEqual([]);
    });

    it('lists the notes of one connection older than a given instant, oldest first', async () => {
      const { scope } = await zone();
      const c = await fixtures(ctx.storage).connection(scope.workspace, scope.user);
      const d = await fixtures(ctx.storage).connection(scope.workspace, scope.user);
      const claim = (domainName: string, connectionId: number, now: Date) =>
        ctx.storage.resources.claimZoneIntent({
          workspaceId: scope.workspace.id,
          projectId: scope.project.id,
          environmentId: scope.environment.id,
          cloudConnectionId: connectionId,
          provider: 'route53',
          domainName,
          callerReference: `ref-${domainName}`,
          now,
        });
      await claim('b.example', c.id, at(2));
      await claim('a.example', c.id, at(1));
      await claim('c.example', c.id, at(10));
      await claim('d.example', d.id, at(1));
      const stale = await ctx.storage.resources.listStaleZoneIntents(c.id, at(5));
      expect(stale.map((i) => [i.domainName, i.callerReference, i.cloudConnectionId])).toEqual([
        ['b.example', 'ref-b.example', c.id],
        ['a.example', 'ref-a.example', c.id],
      ]);
    });
  });
}
