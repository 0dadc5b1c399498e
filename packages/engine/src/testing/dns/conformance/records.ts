import { describe, expect, it } from 'vitest';
import type { RecordSet } from '../../../ports/dns.js';
import { WRITABLE_RECORD_TYPES } from '../../../ports/dns.js';
import { plain, providerFailure, remove, upsert, type DnsConformanceContext } from './context.js';

/** One set of every writable type, in the canonical wire forms the engine writes. */
export function everyType(ctx: DnsConformanceContext): RecordSet[] {
  return [
    { name: ctx.name('www'), type: 'A', ttl: 300, values: ['192.0.2.1', '192.0.2.2'] },
    { name: ctx.name('v6'), type: 'AAAA', ttl: 300, values: ['2001:db8::1'] },
    { name: ctx.name('alias'), type: 'CNAME', ttl: 300, values: ['target.example.net.'] },
    { name: ctx.name('@'), type: 'MX', ttl: 3600, values: ['10 mail.example.net.', '20 mx2.example.net.'] },
    { name: ctx.name('_note'), type: 'TXT', ttl: 300, values: ['"v=spf1 -all"', '"two" "strings"'] },
    { name: ctx.name('_sip._tcp'), type: 'SRV', ttl: 300, values: ['10 5 5060 sip.example.net.'] },
    { name: ctx.name('1.2.0.192'), type: 'PTR', ttl: 300, values: ['host.example.net.'] },
    { name: ctx.name('@'), type: 'CAA', ttl: 300, values: ['0 issue "letsencrypt.org"'] },
  ];
}

export function describeRecordSets(ctx: DnsConformanceContext): void {
  describe('record sets', () => {
    it('writes and reads back every writable type, the apex included', async () => {
      expect([...ctx.under.provider.capabilities.recordTypes].sort()).toEqual([...WRITABLE_RECORD_TYPES].sort());
      const sets = everyType(ctx);
      const outcomes = await ctx.session.applyChanges(ctx.zone, sets.map(upsert));
      expect(outcomes).toHaveLength(sets.length);
      outcomes.forEach((o, i) => expect(plain(o.recordSet as RecordSet)).toEqual(plain(sets[i] as RecordSet)));
      for (const set of sets) expect(plain((await ctx.session.getRecordSet(ctx.zone, set.name, set.type)) as RecordSet)).toEqual(plain(set));
      expect((await ctx.written()).map(plain)).toEqual(expect.arrayContaining(sets.map(plain)));
      expect(await ctx.written()).toHaveLength(sets.length);
    });

    it('returns null for a set that is not there', async () => {
      expect(await ctx.session.getRecordSet(ctx.zone, ctx.name('nothing'), 'A')).toBeNull();
    });

    it('keeps a wildcard name as `*`', async () => {
      const wildcard = { name: ctx.name('*'), type: 'A', ttl: 300, values: ['192.0.2.7'] };
      await ctx.session.applyChanges(ctx.zone, [upsert(wildcard)]);
      expect((await ctx.written()).map(plain)).toEqual([plain(wildcard)]);
      expect(plain((await ctx.session.getRecordSet(ctx.zone, wildcard.name, 'A')) as RecordSet)).toEqual(plain(wildcard));
    });

    it('keeps TXT values of 255+ characters as several strings', async () => {
      const long = 'x'.repeat(255);
      const txt = { name: ctx.name('long'), type: 'TXT', ttl: 300, values: [`"${long}" "${'y'.repeat(300 - 255)}"`, `"${'z'.repeat(255)}" "${'z'.repeat(255)}" "tail"`] };
      await ctx.session.applyChanges(ctx.zone, [upsert(txt)]);
      expect(plain((await ctx.session.getRecordSet(ctx.zone, txt.name, 'TXT')) as RecordSet)).toEqual(plain(txt));
    });

    it('takes a CNAME at the apex exactly when it declares `apexCname`', async () => {
      const apexCname = { name: ctx.name('@'), type: 'CNAME', ttl: 300, values: ['target.example.net.'] };
      if (ctx.under.provider.capabilities.apexCname) {
        await ctx.session.applyChanges(ctx.zone, [upsert(apexCname)]);
        expect(plain((await ctx.session.getRecordSet(ctx.zone, apexCname.name, 'CNAME')) as RecordSet)).toEqual(plain(apexCname));
      } else {
        expect((await providerFailure(ctx.session.applyChanges(ctx.zone, [upsert(apexCname)]))).kind).toBe('invalid-input');
        expect(await ctx.session.getRecordSet(ctx.zone, apexCname.name, 'CNAME')).toBeNull();
      }
    });

    it('replaces the whole set on UPSERT: values and TTL', async () => {
      const first = { name: ctx.name('www'), type: 'A', ttl: 300, values: ['192.0.2.1', '192.0.2.2', '192.0.2.3'] };
      const second = { ...first, ttl: 60, values: ['192.0.2.3', '192.0.2.9'] };
      await ctx.session.applyChanges(ctx.zone, [upsert(first)]);
      const [outcome] = await ctx.session.applyChanges(ctx.zone, [upsert(second)]);
      expect(plain(outcome?.recordSet as RecordSet)).toEqual(plain(second));
      expect((await ctx.written()).map(plain)).toEqual([plain(second)]);
    });

    it('refuses a CNAME beside another type of the same name, leaving the zone as it was', async () => {
      const a = { name: ctx.name('www'), type: 'A', ttl: 300, values: ['192.0.2.1'] };
      await ctx.session.applyChanges(ctx.zone, [upsert(a)]);
      const e = await providerFailure(ctx.session.applyChanges(ctx.zone, [upsert({ name: a.name, type: 'CNAME', ttl: 300, values: ['x.example.net.'] })]));
      expect(e.kind).toBe('invalid-input');
      expect((await ctx.written()).map(plain)).toEqual([plain(a)]);
    });

    it('deletes a set only when the DELETE matches it exactly', async () => {
      const set = { name: ctx.name('www'), type: 'A', ttl: 300, values: ['192.0.2.1', '192.0.2.2'] };
      await ctx.session.applyChanges(ctx.zone, [upsert(set)]);
      for (const wrong of [{ ...set, values: ['192.0.2.1'] }, { ...set, ttl: 60 }, { ...set, name: ctx.name('other') }]) {
        expect((await providerFailure(ctx.session.applyChanges(ctx.zone, [remove(wrong)]))).kind).toBe('invalid-input');
        expect((await ctx.written()).map(plain)).toEqual([plain(set)]);
      }
      const [outcome] = await ctx.session.applyChanges(ctx.zone, [remove({ ...set, values: [...set.values].reverse() })]);
      expect(outcome?.recordSet).toBeNull();
      expect(await ctx.written()).toEqual([]);
      expect(await ctx.session.getRecordSet(ctx.zone, set.name, 'A')).toBeNull();
    });
  });
}
