import type { RecordSet, RecordSetKey, RecordSetWindow } from '../../ports/dns.js';
import { routeOrderKey } from './names.js';

/**
 * Windows of a zone listing (`startAfter`, `skipTypes`, `limit` of DnsSession.listRecordSets),
 * shared by every provider: one helper for sources that already list in Route 53 order, one for
 * sources that cannot (Cloudflare), which keeps only the `limit` smallest keys in memory.
 */

/** One string whose plain order is Route 53 order: reversed name, NUL, type (names never hold NUL). */
export function recordSetOrderKey(key: RecordSetKey): string {
  return `${routeOrderKey(key.name)}\u0000${key.type}`;
}

/** Whether `set` is in the window's range and types (the `limit` aside). */
function admits(window: RecordSetWindow, after: string | null, set: RecordSetKey, key: string): boolean {
  return (after === null || key > after) && !(window.skipTypes ?? []).includes(set.type);
}

/**
 * The window of a source that yields in Route 53 order: skips up to `startAfter` and the skipped
 * types, and stops — ending the source early, so no further provider page is read — once the sets
 * of `limit` keys are out. Sets sharing a key (Route 53 routing-policy variants) stay together.
 */
export async function* windowInOrder(source: AsyncIterable<RecordSet>, window: RecordSetWindow = {}): AsyncGenerator<RecordSet> {
  const after = window.startAfter ? recordSetOrderKey(window.startAfter) : null;
  let keys = 0;
  let last: string | null = null;
  for await (const set of source) {
    const key = recordSetOrderKey(set);
    if (!admits(window, after, set, key)) continue;
    if (key !== last) {
      if (window.limit !== undefined && keys >= window.limit) return;
      keys++;
      last = key;
    }
    yield set;
  }
}

/**
 * For a source in no useful order: offer every item under its key; `take()` returns the groups of
 * the `limit` smallest admitted keys, in order. Memory holds at most `limit` keys (a max-heap evicts
 * the largest), work is O(n log limit). Without `limit` every admitted key is kept.
 */
export function createWindowSelector<T>(window: RecordSetWindow = {}) {
  const after = window.startAfter ? recordSetOrderKey(window.startAfter) : null;
  const groups = new Map<string, T[]>();
  const heap: string[] = []; // max-heap of the kept keys
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  const up = (i: number) => {
    while (i > 0 && heap[(i - 1) >> 1]! < heap[i]!) {
      swap(i, (i - 1) >> 1);
      i = (i - 1) >> 1;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let top = i;
      if (l < heap.length && heap[l]! > heap[top]!) top = l;
      if (r < heap.length && heap[r]! > heap[top]!) top = r;
      if (top === i) return;
      swap(i, top);
      i = top;
    }
  };
  return {
    offer(set: RecordSetKey, item: T): void {
      const key = recordSetOrderKey(set);
      if (!admits(window, after, set, key)) return;
      const group = groups.get(key);
      if (group) {
        group.push(item);
        return;
      }
      if (window.limit !== undefined && heap.length >= window.limit) {
        // Full: only a key below the largest kept one gets in. The largest only ever shrinks, so an
        // evicted or refused key never qualifies again and its later items are refused too.
        if (window.limit === 0 || key >= heap[0]!) return;
        groups.delete(heap[0]!);
        heap[0] = key;
        down(0);
      } else {
        heap.push(key);
        up(heap.length - 1);
      }
      groups.set(key, [item]);
    },
    take(): T[][] {
      return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, items]) => items);
    },
  };
}
