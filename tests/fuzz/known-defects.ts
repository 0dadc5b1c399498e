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

export const KNOWN_DEFECTS: readonly KnownDefect[] = [
  {
    id: 'nul-byte-on-postgres',
    description:
      'Postgres: a NUL character (U+0000) in a path parameter, query value or body string that reaches a SQL parameter answers 500: ' +
      'Postgres text cannot hold U+0000 ("invalid byte sequence for encoding UTF8: 0x00") and nothing rejects it first.',
    backends: ['postgres'],
    matches: (x, reply) => reply.status >= 500 && carriesNul(x),
  },
];

function carriesNul(x: Exchange): boolean {
  const path = x.path.toLowerCase();
  if (path.includes('%00') || path.includes('%5cu0000')) return true;
  const body = x.body?.toString('latin1') ?? '';
  return body.includes('\\u0000') || body.includes('\u0000') || body.includes('%00');
}

/** The known defect this exchange reproduces, if any. */
export function knownDefectOf(backend: Backend, x: Exchange, reply: Reply): KnownDefect | undefined {
  return KNOWN_DEFECTS.find((d) => (d.backends ?? [backend]).includes(backend) && d.matches(x, reply));
}
