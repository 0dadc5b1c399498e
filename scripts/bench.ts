/**
 * `pnpm bench [section…]`: local, bounded benchmarks (127.0.0.1 only). Every number is printed
 * beside a baseline measured in the same run, and the ratio between them, so results from
 * different machines compare by ratio. See `pnpm bench --help`.
 */
import { formatReport, type BenchRow } from './bench/measure.js';
import { benchNormalisation, benchRoute53Planning } from './bench/records.js';
import { benchReads, formatReads, type ReadResult } from './bench/reads.js';
import { benchStorageWrites } from './bench/storage.js';
import { benchStartup } from './bench/startup.js';
import { benchDnsWrites } from './bench/dns-writes.js';
import { benchZoneSync } from './bench/zone-sync.js';
import { benchPgPrepared } from './bench/pg-prepared.js';

const SECTIONS = ['reads', 'startup', 'writes', 'sync', 'micro'] as const;
type Section = (typeof SECTIONS)[number];

const HELP = `usage: pnpm bench [section…] [--help]

Local, bounded benchmarks, each beside a baseline measured in the same run. Sections (default: all):
  reads   the documented list routes (cloud connections, DNS zones) on SQLite and Postgres: the
          product as \`pnpm start\` runs it (REST and tRPC) against a hand-written Express 5 route
          and a raw node:http one running the same SQL for the same JSON, in alternating rounds;
          req/s, p50/p99, CPU µs per request, RSS, and the ratios against their goals
  startup the built server from spawn to its first /readyz 200 (fresh and migrated SQLite)
          against a bare node:http server
  writes  1 000 record UPSERTs on a Route 53 zone over REST against the local fake (one batch,
          updating it, one per request; SQLite and Postgres): ms and provider calls, against the
          same change batches sent with the AWS SDK
  sync    sync of a Route 53 zone of BENCH_SYNC_RECORDS record sets and of half as many: time and
          peak heap per set (linear when the ratio is 1), against listing it with the AWS SDK
  micro   record normalisation, Route 53 batch planning, storage writes per database, Postgres
          hot reads as named prepared statements against unnamed ones

Postgres runs need the server at DATABASE_URL (default postgres://postgres@127.0.0.1:5432).

environment:
  BENCH_SECONDS      length of each timed HTTP run in seconds (default 10)
  BENCH_ROUNDS       alternating rounds of the read benchmarks (default 3)
  BENCH_CONNECTIONS  concurrent connections of the load generator (default 20)
  BENCH_STORAGES     comma-separated: sqlite,postgres (default both)
  BENCH_SYNC_RECORDS record sets of the larger zone in "sync" (default 50000)
  BENCH_WRITES       storage transactions per database in "micro" (default 300)
  BENCH_JSON=1       print JSON instead of tables
  BENCH_PROFILE_DIR  write a V8 CPU profile (.cpuprofile) of every server under measurement there`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(HELP);
  process.exit(0);
}
const unknown = args.filter((a) => !(SECTIONS as readonly string[]).includes(a));
if (unknown.length > 0) {
  console.error(`unknown section ${unknown.join(', ')}; one of ${SECTIONS.join(', ')}\n\n${HELP}`);
  process.exit(2);
}
const chosen = new Set<Section>(args.length === 0 ? SECTIONS : (args as Section[]));
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const log = (s: string) => process.stderr.write(`${s}\n`);

const rows: BenchRow[] = [];
let reads: ReadResult[] = [];
if (chosen.has('reads')) {
  const storages = (process.env.BENCH_STORAGES ?? 'sqlite,postgres').split(',').map((s) => (s.trim().toLowerCase() === 'postgres' ? 'Postgres' : 'SQLite') as 'SQLite' | 'Postgres');
  log(`bench: reads (${storages.join(', ')})…`);
  reads = await benchReads({ seconds: num('BENCH_SECONDS', 10), rounds: num('BENCH_ROUNDS', 3), connections: num('BENCH_CONNECTIONS', 20), storages }, log);
}
if (chosen.has('startup')) {
  log('bench: start-up…');
  rows.push(...(await benchStartup()));
}
if (chosen.has('writes')) {
  log('bench: 1 000 record writes…');
  rows.push(...(await benchDnsWrites()));
}
if (chosen.has('sync')) {
  log('bench: zone sync at two sizes…');
  rows.push(...(await benchZoneSync()));
}
if (chosen.has('micro')) {
  const count = num('BENCH_WRITES', 300);
  log('bench: record normalisation, Route 53 planning, storage writes…');
  rows.push(benchNormalisation(), await benchRoute53Planning(), await benchStorageWrites(count), ...(await benchPgPrepared()));
}

if (process.env.BENCH_JSON) {
  console.log(JSON.stringify({ reads, micro: rows }, null, 2));
} else {
  if (reads.length > 0) console.log(`Read routes (median of rounds; ratios against the goals)${formatReads(reads)}\n`);
  if (rows.length > 0) console.log(formatReport(rows));
}
