import type fc from 'fast-check';

/**
 * Reproducible runs: `FUZZ_SEED=<n>` replays a run (every failure message prints the seed and the
 * counterexample path), `FUZZ_RUNS=<n>` sets the generated requests per route/procedure and backend.
 * Without `FUZZ_SEED` the seed is fixed, so `pnpm test` (and CI) is deterministic: a new defect
 * surfaces on a deliberate exploring run, `FUZZ_SEED=random FUZZ_RUNS=100 pnpm exec vitest run tests/fuzz`,
 * never as a flake in an unrelated change.
 */
const DEFAULT_SEED = 20_261_204;
export const FUZZ_SEED =
  process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : DEFAULT_SEED;
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 12);

/**
 * fast-check parameters of one route's property. Every property runs on the run's seed, so the
 * seed a failure prints is the `FUZZ_SEED` that replays it.
 */
export function fuzzParameters<T>(): fc.Parameters<T> {
  return {
    seed: FUZZ_SEED,
    numRuns: FUZZ_RUNS,
    // Shrinking replays requests against a world the failing run already changed; keep it short.
    interruptAfterTimeLimit: 60_000,
    markInterruptAsFailure: false,
  };
}

let announced = false;
/** Print the seed once per file, so a failure in CI can be replayed. */
export function announceSeed(): void {
  if (announced) return;
  announced = true;
  console.warn(`fuzz: FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${FUZZ_RUNS} (set them to replay this run)`);
}
