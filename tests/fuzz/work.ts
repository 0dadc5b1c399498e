/**
 * Work per request, measured as CPU time of this process (the server runs in it), not wall time:
 * a busy machine stretches wall time but barely CPU time. Sizes n and 4n are measured in one run,
 * interleaved, and the minimum of several repetitions is kept (noise only ever adds work). Linear
 * work gives a ratio near 4 (less when a fixed cost dominates), quadratic near 16.
 */

export const REPETITIONS = 5;
/** Above this, the work grows faster than linearly (4 = linear, 16 = quadratic). */
export const MAX_RATIO = 8;

async function cpuMicros(fn: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

export interface WorkRatio {
  readonly small: number;
  readonly large: number;
  readonly ratio: number;
}

/** CPU work of `large` (size 4n) over `small` (size n), minimum of `REPETITIONS` each. */
export async function workRatio(small: () => Promise<unknown>, large: () => Promise<unknown>): Promise<WorkRatio> {
  await small();
  await large();
  let s = Number.POSITIVE_INFINITY;
  let l = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REPETITIONS; i++) {
    s = Math.min(s, await cpuMicros(small));
    l = Math.min(l, await cpuMicros(large));
  }
  return { small: s, large: l, ratio: l / Math.max(1, s) };
}

export function describeRatio(r: WorkRatio): string {
  return `n: ${(r.small / 1000).toFixed(1)} ms CPU, 4n: ${(r.large / 1000).toFixed(1)} ms CPU, ratio ${r.ratio.toFixed(2)} (max ${MAX_RATIO})`;
}
