/**
 * Measuring work rather than wall-clock time: tests compare two input sizes in one run, so the
 * speed of the machine (and of whatever else shares it) cancels out.
 */

const now = () => process.hrtime.bigint();

/** Mean time of one call, over as many calls as fit in `minMs` (at least one). */
function perCall(run: () => unknown, minMs: number): number {
  const budget = BigInt(Math.round(minMs * 1e6));
  let calls = 0;
  const start = now();
  let elapsed = 0n;
  do {
    run();
    calls++;
    elapsed = now() - start;
  } while (elapsed < budget);
  return Number(elapsed) / calls;
}

/**
 * How many times more a call on `large` costs than a call on `small`. Rounds alternate the two
 * sizes and each keeps its fastest, so a pause of the machine inflates neither. For inputs `k`
 * times larger, linear work gives about `k`, quadratic work `k²`.
 */
export function workRatio<T>(run: (input: T) => unknown, small: T, large: T, options: { rounds?: number; minMs?: number } = {}): number {
  const { rounds = 5, minMs = 10 } = options;
  let bestSmall = Number.POSITIVE_INFINITY;
  let bestLarge = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    bestSmall = Math.min(bestSmall, perCall(() => run(small), minMs));
    bestLarge = Math.min(bestLarge, perCall(() => run(large), minMs));
  }
  return bestLarge / bestSmall;
}

/**
 * Run `fn` and report the longest input any regular expression was run on meanwhile. Every
 * `test`, `match`, `replace`, `split`, `search` goes through `RegExp.prototype.exec`, which is
 * wrapped for the duration. zod's length check probes the whole string for a surrogate with one
 * character class (linear, and it is how the cap itself measures), so that one pattern is not counted.
 */
export async function longestPatternInput(fn: () => unknown): Promise<{ longest: number; source: string | null }> {
  const exec = RegExp.prototype.exec;
  let longest = 0;
  let source: string | null = null;
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    const text = String(input);
    if (this.source !== '[\\uD800-\\uDBFF]' && text.length > longest) {
      longest = text.length;
      source = this.source;
    }
    return exec.call(this, text);
  };
  try {
    await fn();
  } finally {
    RegExp.prototype.exec = exec;
  }
  return { longest, source };
}
