import { normalizeRecordSet, planChangeBatches, type RecordChange, type RecordItemInput } from '../../examples/standalone-server/bench/deps.js';
import { medianMs, opsPerSecond, type BenchRow } from './measure.js';

/** A realistic mix of record items (A, AAAA, CNAME, MX, TXT) as a client sends them. */
function items(n: number): RecordItemInput[] {
  return Array.from({ length: n }, (_, i) => {
    switch (i % 5) {
      case 0: return { recordName: `host${i}`, recordType: 'A', values: [`192.0.2.${i % 250}`, `198.51.100.${i % 250}`], ttl: 300 };
      case 1: return { recordName: `v6-${i}.example.com.`, recordType: 'aaaa', values: [`2001:db8::${(i % 65535).toString(16)}`] };
      case 2: return { recordName: `alias${i}`, recordType: 'CNAME', values: [`target${i}.example.net`] };
      case 3: return { recordName: '@', recordType: 'MX', values: [`10 mx${i}.example.com`, `20 backup${i}.example.com`] };
      default: return { recordName: `_txt${i}`, recordType: 'TXT', values: [`v=spf1 include:_spf${i}.example.com -all`, 'x'.repeat(300)] };
    }
  });
}

/** Record normalisation (names, values, TXT quoting) against a structured clone of the same items. */
export function benchNormalisation(): BenchRow {
  const input = items(1000);
  let i = 0;
  const normalise = opsPerSecond(() => normalizeRecordSet(input[i++ % input.length]!, 'example.com'));
  let j = 0;
  const clone = opsPerSecond(() => structuredClone(input[j++ % input.length]!));
  return { name: 'record normalisation', unit: 'records/s', value: normalise, baselineName: 'structuredClone', baseline: clone, better: 'higher' };
}

/** Route 53 change-batch planning of 10 000 single-value UPSERTs against plain fixed-size chunking. */
export async function benchRoute53Planning(): Promise<BenchRow> {
  const changes: RecordChange[] = Array.from({ length: 10_000 }, (_, i) => ({
    action: 'UPSERT',
    recordSet: { name: `r${i}.example.com.`, type: 'A', ttl: 300, values: [`192.0.2.${i % 250}`] },
  }));
  let batches = 0;
  const plan = await medianMs(() => (batches = planChangeBatches(changes).length));
  const chunk = await medianMs(() => {
    const out: RecordChange[][] = [];
    for (let k = 0; k < changes.length; k += 500) out.push(changes.slice(k, k + 500));
    return out;
  });
  return {
    name: 'Route 53 planning, 10 000 UPSERTs',
    unit: 'ms',
    value: plan,
    baselineName: 'slice into 500s',
    baseline: chunk,
    better: 'lower',
    note: `${batches} batches`,
  };
}
