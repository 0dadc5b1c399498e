import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeRrset } from '../../examples/standalone-server/bench/dns-deps.js';
import { startDnsFakes, type DnsFakes } from './dns-stack.js';
import type { BenchRow } from './measure.js';
import type { ChildMessage, Measured } from './zone-sync-child.js';

const CHILD = fileURLToPath(new URL('./zone-sync-child.ts', import.meta.url));

/** `count` record sets of `zone`: three single-value A sets to one TXT set, as a busy zone holds. */
function zoneSets(zone: string, count: number): FakeRrset[] {
  return Array.from({ length: count }, (_, i) =>
    i % 4 === 3
      ? { name: `txt-${i}.${zone}.`, type: 'TXT', ttl: 300, values: [`"v=spf1 include:_spf-${i}.example.net ~all"`] }
      : { name: `host-${i}.${zone}.`, type: 'A', ttl: 300, values: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`] },
  );
}

/**
 * Fork one measured child (its own heap, `--expose-gc`); `onZone` runs in the parent when the child
 * has created its zone and must answer before the child measures.
 */
function runChild(env: Record<string, string>, onZone?: (hostedZoneId: string) => void): Promise<{ first: Measured; repeat: Measured }> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { execArgv: [...process.execArgv, '--expose-gc'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: { first: Measured; repeat: Measured } | undefined;
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'zone') {
        try {
          onZone?.(m.hostedZoneId);
          child.send('seeded');
        } catch (e) {
          child.kill();
          reject(e as Error);
        }
      } else result = { first: m.first, repeat: m.repeat };
    });
    child.on('error', reject);
    child.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`zone-sync child (${env.BENCH_MODE}) exited with ${code}`))));
  });
}

interface SizeRun {
  readonly n: number;
  readonly sync: { first: Measured; repeat: Measured };
  readonly floor: { first: Measured; repeat: Measured };
}

async function runSize(fakes: DnsFakes, n: number): Promise<SizeRun> {
  const urls = { BENCH_STS_URL: fakes.sts.url, BENCH_R53_URL: fakes.r53.url };
  const zone = `sync-${n}.example.com`;
  let hostedZoneId = '';
  const sync = await runChild({ ...urls, BENCH_MODE: 'sync', BENCH_ZONE: zone }, (id) => {
    hostedZoneId = id;
    // Seeded in the fake's state directly: writing 50 000 sets through change batches would take
    // longer than the sync itself and measure nothing of interest.
    fakes.r53.seed(id, zoneSets(zone, n));
  });
  for (const m of [sync.first, sync.repeat]) if (m.count !== n) throw new Error(`sync of ${n} sets stored ${m.count}`);
  const floor = await runChild({ ...urls, BENCH_MODE: 'list', BENCH_HOSTED_ZONE: hostedZoneId });
  for (const m of [floor.first, floor.repeat]) if (m.count !== n) throw new Error(`SDK listing of ${n} sets read ${m.count}`);
  fakes.r53.zones.delete(hostedZoneId);
  return { n, sync, floor };
}

const MB = 1024 * 1024;
const perRecord = (r: SizeRun, pick: (m: Measured) => number, scale: number, unit: string) =>
  `${((pick(r.sync.repeat) * scale) / r.n).toFixed(unit === 'µs' ? 1 : 0)} ${unit}/set`;

/**
 * `sync` (PUT …/resources/:id/sync) of a Route 53 zone of N record sets, through the whole server
 * stack on SQLite and the real provider over HTTP, at two sizes: `BENCH_SYNC_RECORDS` (default
 * 50 000) and half of it. Each size runs in fresh child processes: one syncs twice (first with an
 * empty stored copy, then a repeat that replaces it; the rows show the repeat, the note the first),
 * one lists the same zone with the AWS SDK alone, collecting every set (the floor). Heap is the
 * highest sample (every ms) above the heap after a forced GC before the run; it includes garbage
 * not yet collected, as the process needs it.
 */
export async function benchZoneSync(): Promise<BenchRow[]> {
  const big = Number(process.env.BENCH_SYNC_RECORDS ?? 50_000);
  if (!Number.isInteger(big) || big < 2) throw new Error('BENCH_SYNC_RECORDS must be an integer ≥ 2');
  const fakes = await startDnsFakes();
  try {
    const runs: SizeRun[] = [];
    for (const n of [Math.floor(big / 2), big]) runs.push(await runSize(fakes, n));
    const rows: BenchRow[] = [];
    for (const r of runs) {
      const { first, repeat } = r.sync;
      rows.push({
        name: `sync of a Route 53 zone, ${r.n} sets (SQLite)`,
        unit: 'ms',
        value: repeat.ms,
        baselineName: 'SDK listing',
        baseline: r.floor.repeat.ms,
        better: 'lower',
        note: `${perRecord(r, (m) => m.ms, 1000, 'µs')}; first sync ${Math.round(first.ms)} ms`,
      });
      rows.push({
        name: `sync of a Route 53 zone, ${r.n} sets: peak heap (SQLite)`,
        unit: 'MB',
        value: repeat.peakBytes / MB,
        baselineName: 'SDK listing',
        baseline: r.floor.repeat.peakBytes / MB,
        better: 'lower',
        note: `${perRecord(r, (m) => m.peakBytes, 1, 'B')}; first sync ${(first.peakBytes / MB).toFixed(1)} MB; retained after GC ${(repeat.retainedBytes / MB).toFixed(1)} MB`,
      });
    }
    const [half, full] = runs as [SizeRun, SizeRun];
    const ratio = (pick: (m: Measured) => number) => pick(full.sync.repeat) / full.n / (pick(half.sync.repeat) / half.n);
    const floorRatio = (pick: (m: Measured) => number) => pick(full.floor.repeat) / full.n / (pick(half.floor.repeat) / half.n);
    // Per-set cost at the larger size over that at the smaller: 1.00 is linear; the floor shows the fake's share.
    rows.push({ name: `sync linearity, time per set ${full.n} / ${half.n}`, unit: 'x', value: ratio((m) => m.ms), baselineName: 'SDK listing', baseline: floorRatio((m) => m.ms), better: 'lower' });
    rows.push({ name: `sync linearity, heap per set ${full.n} / ${half.n}`, unit: 'x', value: ratio((m) => m.peakBytes), baselineName: 'SDK listing', baseline: floorRatio((m) => m.peakBytes), better: 'lower' });
    return rows;
  } finally {
    await fakes.close();
  }
}
