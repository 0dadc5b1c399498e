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

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`usage: pnpm bench [--help]

Local, bounded benchmarks, each beside a baseline measured in the same run:
record normalisation, Route 53 batch planning, REST and tRPC requests/s on SQLite,
storage writes on Postgres (needs the server at DATABASE_URL, default 127.0.0.1:5432).

environment:
  BENCH_SECONDS  length of each HTTP run in seconds (default 3)
  BENCH_WRITES   storage transactions per database (default 300)
  BENCH_JSON=1   print JSON instead of a table`);
  process.exit(0);
}

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
