import { describe } from 'vitest';
import { BACKENDS, type Backend } from './backends.js';

/**
 * Run the same test body once per backend (Kysely's DIALECTS loop): `describe('<name> [sqlite]')`
 * and `describe('<name> [postgres]')` (or `[sqlite]`/`[postgres]` without a name). Postgres always
 * runs: an unreachable server fails the run, so a Postgres-only bug is never skipped silently.
 */
export function describeBackends(fn: (backend: Backend) => void): void;
export function describeBackends(name: string, fn: (backend: Backend) => void): void;
export function describeBackends(nameOrFn: string | ((backend: Backend) => void), maybeFn?: (backend: Backend) => void): void {
  const name = typeof nameOrFn === 'string' ? `${nameOrFn} ` : '';
  const fn = typeof nameOrFn === 'function' ? nameOrFn : maybeFn;
  if (!fn) throw new TypeError('describeBackends: missing test body');
  for (const backend of BACKENDS) describe(`${name}[${backend}]`, () => fn(backend));
}
