/** One line of the report: a measured value beside a baseline measured in the same run. */
export interface BenchRow {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly baselineName: string;
  readonly baseline: number;
  /** How `value` compares: `higher` is better (throughput) or `lower` is better (time). */
  readonly better: 'higher' | 'lower';
  readonly note?: string;
}

/**
 * Operations per second of `fn`, run repeatedly for about `ms` after a short warm-up. Time-bounded
 * rather than count-bounded, so slow machines finish as soon as fast ones.
 */
export function opsPerSecond(fn: () => unknown, ms = 700): number {
  const warmUntil = performance.now() + Math.min(150, ms / 4);
  while (performance.now() < warmUntil) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/** The middle value of `xs` (the upper one of the two middles for an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/** Median duration in ms of `fn` over `runs` runs (after one warm-up run). */
export async function medianMs(fn: () => unknown, runs = 7): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 3));

/** The report as an aligned text table; the ratio is value / baseline. */
export function formatReport(rows: readonly BenchRow[]): string {
  const header = ['benchmark', 'value', 'baseline', 'ratio'];
  const lines = rows.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    `${fmt(r.baseline)} ${r.unit} (${r.baselineName})`,
    `${(r.value / r.baseline).toFixed(2)}x${r.note ? `  ${r.note}` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}
