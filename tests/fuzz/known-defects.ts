import type { Backend } from '../harness/index.js';
import type { Exchange } from './guard.js';
import type { Reply } from './http.js';

/**
 * Defects the fuzzer found that are not fixed yet. Each has its own failing reproduction test
 * (`found-defects.test.ts`), so it stays visible; the properties tolerate exactly its signature,
 * so the rest of the input space is still explored. Delete the entry with the fix.
 */
export interface KnownDefect {
  readonly id: string;
  readonly description: string;
  /** Where it happens (default: every backend). */
  readonly backends?: readonly Backend[];
  /** Whether this reply to this request is the defect (and nothing else). */
  matches(x: Exchange, reply: Reply): boolean;
}

export const KNOWN_DEFECTS: readonly KnownDefect[] = [];

/** The known defect this exchange reproduces, if any. */
export function knownDefectOf(backend: Backend, x: Exchange, reply: Reply): KnownDefect | undefined {
  return KNOWN_DEFECTS.find((d) => (d.backends ?? [backend]).includes(backend) && d.matches(x, reply));
}
