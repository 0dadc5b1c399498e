import { describe, expect, it } from 'vitest';
import { aSet, plain, providerFailure, upsert, type DnsConformanceContext } from './context.js';

export function describeFailures(ctx: DnsConformanceContext): void {
  describe('failures', () => {
    it('waits out a throttling answer for its Retry-After, then succeeds', async () => {
      const set = aSet(ctx, 1);
      await ctx.session.applyChanges(ctx.zone, [upsert(set)]);
      const waited = ctx.under.sleeps.length;
      ctx.under.faults.throttleNext(2);
      expect(plain((await ctx.session.getRecordSet(ctx.zone, set.name, 'A'))!)).toEqual(plain(set));
      expect(ctx.under.sleeps.slice(waited)).toEqual([2000]);
    });

    it('reads a Retry-After given as an HTTP-date', async () => {
      const waited = ctx.under.sleeps.length;
      ctx.under.faults.throttleNext(3, 1, 'http-date');
      expect(await ctx.session.getRecordSet(ctx.zone, ctx.name('www'), 'A')).toBeNull();
      expect(ctx.under.sleeps.slice(waited)).toEqual([3000]);
    });

    it('retries a throttled write and applies it once', async () => {
      const waited = ctx.under.sleeps.length;
      ctx.under.faults.throttleNext(1, 2);
      const set = aSet(ctx, 1);
      const [outcome] = await ctx.session.applyChanges(ctx.zone, [upsert(set)]);
      expect(ctx.under.sleeps.slice(waited)).toEqual([1000, 1000]);
      expect(plain(outcome!.recordSet!)).toEqual(plain(set));
      expect((await ctx.written()).map(plain)).toEqual([plain(set)]);
    });

    it('gives up at once on a Retry-After beyond its limit: kind `throttled` with the Retry-After', async () => {
      const waited = ctx.under.sleeps.length;
      const seconds = ctx.under.maxRetryAfterSeconds + 1;
      ctx.under.faults.throttleNext(seconds);
      const e = await providerFailure(ctx.session.applyChanges(ctx.zone, [upsert(aSet(ctx, 1))]));
      expect(e).toMatchObject({ kind: 'throttled', retryAfter: seconds });
      expect(ctx.under.sleeps.length).toBe(waited);
      expect(await ctx.written()).toEqual([]);
    });

    it('answers `not-found` for a zone that does not exist, and null from getZone', async () => {
      const gone = { ...ctx.zone, hostedZoneId: ctx.under.missingZoneId };
      expect(await ctx.session.getZone(gone.hostedZoneId)).toBeNull();
      expect((await providerFailure(ctx.session.getRecordSet(gone, ctx.name('www'), 'A'))).kind).toBe('not-found');
      expect((await providerFailure(ctx.session.applyChanges(gone, [upsert(aSet(ctx, 1))]))).kind).toBe('not-found');
      const listing = async () => {
        for await (const _ of ctx.session.listRecordSets(gone)) void _;
      };
      expect((await providerFailure(listing())).kind).toBe('not-found');
      expect(await ctx.session.getZone(ctx.zone.hostedZoneId)).toMatchObject({ hostedZoneId: ctx.zone.hostedZoneId, domainName: ctx.zone.domainName });
    });

    it('answers `unauthorized` once its credentials are revoked, and writes nothing', async () => {
      ctx.under.faults.revokeCredentials();
      expect((await providerFailure(ctx.session.getRecordSet(ctx.zone, ctx.name('www'), 'A'))).kind).toBe('unauthorized');
      const e = await providerFailure(ctx.session.applyChanges(ctx.zone, [upsert(aSet(ctx, 1))]));
      expect(e.kind).toBe('unauthorized');
      // No progress reported means nothing was applied.
      expect(e.progress?.appliedChanges ?? 0).toBe(0);
    });

    it('answers `refused` when its credentials are denied the zone', async (test) => {
      const deny = ctx.under.faults.denyAccess;
      if (!deny) return test.skip();
      deny();
      expect((await providerFailure(ctx.session.getRecordSet(ctx.zone, ctx.name('www'), 'A'))).kind).toBe('refused');
      expect((await providerFailure(ctx.session.applyChanges(ctx.zone, [upsert(aSet(ctx, 1))]))).kind).toBe('refused');
    });
  });
}
