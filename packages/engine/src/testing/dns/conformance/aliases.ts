import { describe, expect, it } from 'vitest';
import type { RecordSet } from '../../../ports/dns.js';
import { full, providerFailure, remove, upsert, type DnsConformanceContext } from './context.js';

/** CloudFront's hosted-zone id: the same in every region, and an alias target every Route 53 account may use. */
const CLOUDFRONT_ZONE = 'Z2FDTNDATAQYW2';

/** An alias set as the port writes it: `ttl: null`, `values: [dnsName]`. */
export function aliasSet(name: string, type: string, target: { hostedZoneId: string; dnsName: string; evaluateTargetHealth?: boolean }): RecordSet {
  return { name, type, ttl: null, values: [target.dnsName], alias: { hostedZoneId: target.hostedZoneId, dnsName: target.dnsName, evaluateTargetHealth: target.evaluateTargetHealth ?? false } };
}

/**
 * Alias record sets: written, listed and read back exactly where the provider declares
 * `aliasRecords`, refused whole elsewhere.
 */
export function describeAliases(ctx: DnsConformanceContext): void {
  describe('alias record sets', () => {
    const cloudfront = () => aliasSet(ctx.name('@'), 'A', { hostedZoneId: CLOUDFRONT_ZONE, dnsName: 'd111111abcdef8.cloudfront.net.' });
    const www = (): RecordSet => ({ name: ctx.name('www'), type: 'A', ttl: 300, values: ['192.0.2.1'] });
    const inZone = () => aliasSet(ctx.name('app'), 'A', { hostedZoneId: ctx.zone.hostedZoneId, dnsName: ctx.name('www'), evaluateTargetHealth: true });

    it('writes alias sets (the apex, a target in the same zone) and lists and reads them back as written', async (test) => {
      if (!ctx.under.provider.capabilities.aliasRecords) return test.skip();
      const sets = [cloudfront(), www(), inZone()];
      const outcomes = await ctx.session.applyChanges(ctx.zone, sets.map(upsert));
      outcomes.forEach((o, i) => expect(full(o.recordSet!)).toEqual(full(sets[i]!)));
      for (const set of sets) expect(full((await ctx.session.getRecordSet(ctx.zone, set.name, set.type))!)).toEqual(full(set));
      expect((await ctx.written()).map(full)).toEqual([cloudfront(), inZone(), www()].map(full));
    });

    it('replaces an alias target on UPSERT, and deletes an alias set only when the DELETE names its target exactly', async (test) => {
      if (!ctx.under.provider.capabilities.aliasRecords) return test.skip();
      await ctx.session.applyChanges(ctx.zone, [upsert(www()), upsert(cloudfront())]);
      const moved = aliasSet(ctx.name('@'), 'A', { hostedZoneId: ctx.zone.hostedZoneId, dnsName: ctx.name('www'), evaluateTargetHealth: true });
      await ctx.session.applyChanges(ctx.zone, [upsert(moved)]);
      expect(full((await ctx.session.getRecordSet(ctx.zone, moved.name, 'A'))!)).toEqual(full(moved));
      const withoutHealth = aliasSet(moved.name, 'A', { ...moved.alias!, evaluateTargetHealth: false });
      for (const wrong of [cloudfront(), withoutHealth]) {
        expect((await providerFailure(ctx.session.applyChanges(ctx.zone, [remove(wrong)]))).kind).toBe('invalid-input');
      }
      const [outcome] = await ctx.session.applyChanges(ctx.zone, [remove(moved)]);
      expect(outcome?.recordSet).toBeNull();
      expect((await ctx.written()).map(full)).toEqual([full(www())]);
    });

    it('refuses an alias to a name of its own zone that does not exist, writing nothing of the batch', async (test) => {
      if (!ctx.under.provider.capabilities.aliasRecords) return test.skip();
      const dangling = aliasSet(ctx.name('app'), 'A', { hostedZoneId: ctx.zone.hostedZoneId, dnsName: ctx.name('missing') });
      expect((await providerFailure(ctx.session.applyChanges(ctx.zone, [upsert(www()), upsert(dangling)]))).kind).toBe('invalid-input');
      expect(await ctx.written()).toEqual([]);
    });

    it('refuses an alias set where it does not declare `aliasRecords`', async (test) => {
      if (ctx.under.provider.capabilities.aliasRecords) return test.skip();
      expect((await providerFailure(ctx.session.applyChanges(ctx.zone, [upsert(cloudfront())]))).kind).toBe('invalid-input');
      expect(await ctx.written()).toEqual([]);
    });
  });
}
