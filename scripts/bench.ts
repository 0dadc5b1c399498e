/**
 * `pnpm bench`: local, bounded benchmarks (127.0.0.1 only, a few seconds each). Every number is
 * printed beside a baseline measured in the same run, and the ratio between them, so results from
 * different machines compare by ratio. `BENCH_SECONDS` (default 3) sets each HTTP run's length;
 * `BENCH_WRITES` (default 300) the storage write count; `BENCH_JSON=1` prints JSON instead.
 */
import { formatReport, type BenchRow } from './bench/measure.js';
import { benchNormalisation, benchRoute53Planning } from './bench/records.js';
import { benchRest } from './bench/rest.js';
import { benchStorageWrites } from './bench/storage.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const count = Number(process.env.BENCH_WRITES ?? 300);
const rows: BenchRow[] = [];
const step = async (label: string, fn: () => Promise<BenchRow | BenchRow[]> | BenchRow) => {
  process.stderr.write(`bench: ${label}…\n`);
  const r = await fn();
  rows.push(...(Array.isArray(r) ? r : [r]));
};

await step('record normalisation', benchNormalisation);
await step('Route 53 batch planning', benchRoute53Planning);
await step(`REST and tRPC throughput (${seconds}s per run)`, () => benchRest(seconds));
await step(`storage writes (${count} per database)`, () => benchStorageWrites(count));

console.log(process.env.BENCH_JSON ? JSON.stringify(rows, null, 2) : formatReport(rows));
