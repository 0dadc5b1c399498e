import { describe, expect, it } from 'vitest';
import type { RecordSet } from '../../../ports/dns.js';
import { upsert, type DnsConformanceContext } from './context.js';

/**
 * Names whose plain string order differs from Route 53 order (labels reversed, then type): the
 * apex first, `*` and `_` before letters, `a-b` before `a` (`-` sorts before `.`), `a` before `b.a`.
 */
function orderedSets(ctx: DnsConformanceContext): RecordSet[] {
  const a = (label: string, value: string): RecordSet => ({ name: ctx.name(label), type: 'A', ttl: 300, values: [value] });
  return [
    a('@', '192.0.2.1'),
    { name: ctx.name('@'), type: 'MX', ttl: 300, values: ['10 mail.example.net.'] },
    { name: ctx.name('@'), type: 'TXT', ttl: 300, values: ['"apex"'] },
    a('*', '192.0.2.2'),
    { name: ctx.name('_x'), type: 'TXT', ttl: 300, values: ['"x"'] },
    a('a-b', '192.0.2.3'),
    a('a', '192.0.2.4'),
    { name: ctx.name('a'), type: 'TXT', ttl: 300, values: ['"a"'] },
    a('b.a', '192.0.2.5'),
    a('z', '192.0.2.6'),
  ];
}

const keys = (sets: readonly RecordSet[]) => sets.map((s) => `${s.name} ${s.type}`);

export function describeListing(ctx: DnsConformanceContext): void {
  describe('listing', () => {
    it('lists in Route 53 order (labels reversed, then type), whatever order the sets were written in', async () => {
      const sets = orderedSets(ctx);
      await ctx.session.applyChanges(ctx.zone, [...sets].reverse().map(upsert));
      expect(keys(await ctx.written())).toEqual(keys(sets));
    });

    it('gives the same listing for any page size', async () => {
      const sets = orderedSets(ctx);
      await ctx.session.applyChanges(ctx.zone, sets.map(upsert));
      for (const pageSize of [1, 2, 3]) expect(keys(await ctx.written({ pageSize }))).toEqual(keys(sets));
    });

    it('yields the window `startAfter` / `skipTypes` / `limit` asks for', async () => {
      const sets = orderedSets(ctx);
      await ctx.session.applyChanges(ctx.zone, sets.map(upsert));
      const after = (i: number) => ({ name: sets[i]!.name, type: sets[i]!.type });
      expect(keys(await ctx.written({ startAfter: after(5), limit: 2 }))).toEqual(keys(sets.slice(6, 8)));
      expect(keys(await ctx.written({ startAfter: after(5), limit: 2, pageSize: 1 }))).toEqual(keys(sets.slice(6, 8)));
      expect(keys(await ctx.written({ startAfter: after(8) }))).toEqual(keys(sets.slice(9)));
      expect(keys(await ctx.written({ startAfter: after(9) }))).toEqual([]);
      // A key that is not in the zone still places the window: `a` AAAA sorts between `a` A and `a` TXT.
      expect(keys(await ctx.written({ startAfter: { name: ctx.name('a'), type: 'AAAA' }, limit: 1 }))).toEqual(keys(sets.slice(7, 8)));
      expect(keys(await ctx.written({ skipTypes: ['TXT', 'MX'] }))).toEqual(keys(sets.filter((s) => s.type === 'A')));
      expect(keys(await ctx.written({ skipTypes: ['A', 'NS', 'SOA'], limit: 2 }))).toEqual(keys(sets.filter((s) => s.type !== 'A').slice(0, 2)));
    });

    it('walks a zone page by page with `startAfter` and `limit`, each set exactly once', async () => {
      const sets = orderedSets(ctx);
      await ctx.session.applyChanges(ctx.zone, sets.map(upsert));
      const seen: RecordSet[] = [];
      let cursor: { name: string; type: string } | undefined;
      for (let page = 0; page < 20; page++) {
        const got = await ctx.written({ limit: 3, skipTypes: ['NS', 'SOA'], ...(cursor ? { startAfter: cursor } : {}) });
        if (got.length === 0) break;
        expect(got.length).toBeLessThanOrEqual(3);
        seen.push(...got);
        const last = got.at(-1)!;
        cursor = { name: last.name, type: last.type };
      }
      expect(keys(seen)).toEqual(keys(sets));
    });
  });
}
