import { describe, expect, it } from 'vitest';
import { aSet, plain, providerFailure, upsert, upsertsPerBatch, type DnsConformanceContext } from './context.js';

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

    it('reports no progress when the first batch fails, and applies nothing of it', async () => {
      ctx.under.faults.failBatch(1);
      const e = await providerFailure(ctx.session.applyChanges(ctx.zone, [upsert(aSet(ctx, 1)), upsert(aSet(ctx, 2))]));
      expect(e.progress).toEqual({ appliedChanges: 0, totalChanges: 2 });
      expect(await ctx.written()).toEqual([]);
    });
  });
}
