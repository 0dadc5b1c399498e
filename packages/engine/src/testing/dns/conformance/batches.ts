import { describe, expect, it } from 'vitest';
import { aSet, full, plain, providerFailure, remove, upsert, upsertsPerBatch, type DnsConformanceContext } from './context.js';

export function describeBatches(ctx: DnsConformanceContext): void {
  describe('change batches', () => {
    it('applies changes in as few calls as its declared limits allow, in request order', async () => {
      const n = upsertsPerBatch(ctx.under.batchLimits);
      const before = ctx.under.faults.batchCalls();
      const changes = Array.from({ length: 2 * n + 1 }, (_, i) => upsert(aSet(ctx, i)));
      const outcomes = await ctx.session.applyChanges(ctx.zone, changes);
      expect(ctx.under.faults.batchCalls() - before).toBe(3);
      expect(outcomes.map((o) => plain(o.recordSet!))).toEqual(changes.map((c) => plain(c.recordSet)));
      expect(await ctx.written()).toHaveLength(2 * n + 1);
    });

    it('sends one call for a list that fits, and reports one outcome per change', async () => {
      const n = upsertsPerBatch(ctx.under.batchLimits);
      const before = ctx.under.faults.batchCalls();
      const outcomes = await ctx.session.applyChanges(ctx.zone, Array.from({ length: n }, (_, i) => upsert(aSet(ctx, i))));
      expect(ctx.under.faults.batchCalls() - before).toBe(1);
      expect(outcomes).toHaveLength(n);
    });

    it('reports progress when batch k fails: earlier batches stay applied, later ones are never sent', async () => {
      const n = upsertsPerBatch(ctx.under.batchLimits);
      const changes = Array.from({ length: 2 * n + 1 }, (_, i) => upsert(aSet(ctx, i)));
      const before = ctx.under.faults.batchCalls();
      ctx.under.faults.failBatch(2);
      const e = await providerFailure(ctx.session.applyChanges(ctx.zone, changes));
      expect(e.kind).toBe('invalid-input');
      expect(e.progress).toEqual({ appliedChanges: n, totalChanges: 2 * n + 1 });
      expect(ctx.under.faults.batchCalls() - before).toBe(2);
      expect((await ctx.written()).map(plain)).toEqual(expect.arrayContaining(changes.slice(0, n).map((c) => plain(c.recordSet))));
      expect(await ctx.written()).toHaveLength(n);
    });

    it('plans exactly the batch calls applyChanges then makes, and writes nothing while planning', async (t) => {
      const session = ctx.session;
      if (!session.planChanges) return t.skip();
      const n = upsertsPerBatch(ctx.under.batchLimits);
      // Existing sets, so the list mixes DELETEs, changed UPSERTs and new sets over three batches.
      const existing = Array.from({ length: 3 }, (_, i) => aSet(ctx, 10_000 + i));
      await session.applyChanges(ctx.zone, existing.map(upsert));
      const changes = [remove(existing[0]!), upsert({ ...existing[1]!, ttl: 600 }), ...Array.from({ length: 2 * n }, (_, i) => upsert(aSet(ctx, i)))];
      const listing = (await ctx.written()).map(full);
      const callsBefore = ctx.under.faults.batchCalls();
      const planned = await session.planChanges(ctx.zone, changes);
      expect(ctx.under.faults.batchCalls()).toBe(callsBefore);
      expect((await ctx.written()).map(full)).toEqual(listing);
      expect(planned.length).toBeGreaterThanOrEqual(3);
      expect(planned.flatMap((c) => c.changes)).toEqual(changes.map((_, i) => i));
      for (const c of planned) expect(c.call).toMatch(/\S/);
      // Grouping: when call 2 is refused, what went before it is exactly call 1's changes.
      ctx.under.faults.failBatch(2);
      const e = await providerFailure(session.applyChanges(ctx.zone, changes));
      expect(e.progress?.appliedChanges).toBe(planned[1]!.changes[0]);
      expect(ctx.under.faults.batchCalls() - callsBefore).toBe(2);
      // The rest, planned against the zone as it now stands, then applied: the same number of calls.
      const rest = changes.slice(planned[1]!.changes[0]);
      const again = await session.planChanges(ctx.zone, rest);
      const mid = ctx.under.faults.batchCalls();
      await session.applyChanges(ctx.zone, rest);
      expect(ctx.under.faults.batchCalls() - mid).toBe(again.length);
      expect(again.length).toBe(planned.length - 1);
    });

    it('reports no progress when the first batch fails, and applies nothing of it', async () => {
      ctx.under.faults.failBatch(1);
      const e = await providerFailure(ctx.session.applyChanges(ctx.zone, [upsert(aSet(ctx, 1)), upsert(aSet(ctx, 2))]));
      expect(e.progress).toEqual({ appliedChanges: 0, totalChanges: 2 });
      expect(await ctx.written()).toEqual([]);
    });
  });
}
