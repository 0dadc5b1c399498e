import { describe, expect, it } from 'vitest';
import type { RecordSet } from '../../../ports/dns.js';
import { full, providerFailure, remove, upsert, type DnsConformanceContext } from './context.js';

/** Cloudflare's "automatic" TTL, which every proxied record has whatever TTL was sent. */
const AUTOMATIC_TTL = 1;

/**
 * Proxied record sets: A, AAAA and CNAME written and read back with their proxy status where the
 * provider declares `proxy` (with the automatic TTL), other types and other providers refused.
 */
export function describeProxied(ctx: DnsConformanceContext): void {
  describe('proxied record sets', () => {
    const proxied = (label: string, type: string, values: string[], on: boolean | undefined): RecordSet => ({
      name: ctx.name(label),
      type,
      ttl: 300,
      values,
      ...(on === undefined ? {} : { proxied: on }),
    });
    /** The set as the provider holds it: a proxied one with the automatic TTL. */
    const asHeld = (s: RecordSet): RecordSet => (s.proxied ? { ...s, ttl: AUTOMATIC_TTL } : s);

    it('writes and reads back the proxy status of A, AAAA and CNAME sets (absent means DNS-only)', async (test) => {
      if (!ctx.under.provider.capabilities.proxy) return test.skip();
      const sets = [
        proxied('@', 'A', ['192.0.2.1', '192.0.2.2'], true),
        proxied('v6', 'AAAA', ['2001:db8::1'], true),
        proxied('www', 'CNAME', ['target.example.net.'], true),
        proxied('plain', 'A', ['192.0.2.3'], undefined),
        proxied('off', 'A', ['192.0.2.4'], false),
      ];
      const outcomes = await ctx.session.applyChanges(ctx.zone, sets.map(upsert));
      outcomes.forEach((o, i) => expect(full(o.recordSet!)).toEqual(full(asHeld(sets[i]!))));
      for (const set of sets) expect(full((await ctx.session.getRecordSet(ctx.zone, set.name, set.type))!)).toEqual(full(asHeld(set)));
      expect((await ctx.written()).map(full)).toEqual(expect.arrayContaining(sets.map((s) => full(asHeld(s)))));
    });

    it('turns the proxy on and off with an UPSERT of the same values, and deletes a proxied set named exactly', async (test) => {
      if (!ctx.under.provider.capabilities.proxy) return test.skip();
      const off = proxied('www', 'A', ['192.0.2.1', '192.0.2.2'], undefined);
      const on = { ...off, proxied: true };
      await ctx.session.applyChanges(ctx.zone, [upsert(off)]);
      await ctx.session.applyChanges(ctx.zone, [upsert(on)]);
      expect(full((await ctx.session.getRecordSet(ctx.zone, on.name, 'A'))!)).toEqual(full(asHeld(on)));
      await ctx.session.applyChanges(ctx.zone, [upsert({ ...off, proxied: false })]);
      expect(full((await ctx.session.getRecordSet(ctx.zone, on.name, 'A'))!)).toEqual(full(off));
      await ctx.session.applyChanges(ctx.zone, [upsert(on)]);
      // A DELETE must name the proxy status too.
      expect((await providerFailure(ctx.session.applyChanges(ctx.zone, [remove({ ...off, ttl: AUTOMATIC_TTL })]))).kind).toBe('invalid-input');
      await ctx.session.applyChanges(ctx.zone, [remove(asHeld(on))]);
      expect(await ctx.written()).toEqual([]);
    });

    it('refuses a proxied set of a type that cannot be proxied, writing nothing of the batch', async (test) => {
      if (!ctx.under.provider.capabilities.proxy) return test.skip();
      for (const set of [proxied('_note', 'TXT', ['"x"'], true), proxied('@', 'MX', ['10 mail.example.net.'], true)]) {
        const e = await providerFailure(ctx.session.applyChanges(ctx.zone, [upsert(proxied('ok', 'A', ['192.0.2.9'], true)), upsert(set)]));
        expect(e.kind).toBe('invalid-input');
        expect(await ctx.written()).toEqual([]);
      }
    });

    it('refuses a proxied set where it does not declare `proxy`', async (test) => {
      if (ctx.under.provider.capabilities.proxy) return test.skip();
      expect((await providerFailure(ctx.session.applyChanges(ctx.zone, [upsert(proxied('www', 'A', ['192.0.2.1'], true))]))).kind).toBe('invalid-input');
      expect(await ctx.written()).toEqual([]);
    });
  });
}
