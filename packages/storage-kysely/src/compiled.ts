import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Queries compiled once. Kysely builds an operation tree and compiles it to SQL on every call,
 * which costs more than running a small indexed query on SQLite and about as much as a round trip
 * on Postgres (tens of µs per query, measured). The reads every request makes have one
 * shape per key, so each is built once with placeholders where its arguments go; later calls only
 * bind the arguments to the SQL text of that first compilation. Keys name shapes, not values: they
 * come from the code (a handful per query), so the cache is bounded by the code, not by traffic.
 */
export interface CompiledQueries {
  /**
   * The rows of the query `build` makes, compiled the first time `key` is seen. `build` receives
   * `arg(i)`, the placeholder of `args[i]`, and must use it for every value that varies between
   * calls (constants may be written as they are; they keep the value of the first compilation).
   */
  rows<R>(db: Kysely<Database>, key: string, build: (arg: <T>(i: number) => T) => Compilable<R>, args: readonly unknown[]): Promise<R[]>;
}

/** A placeholder: an object no caller can pass by accident, so it is found again among the compiled parameters. */
class Slot {
  constructor(readonly index: number) {}
}

interface Compiled {
  readonly sql: string;
  /** For each parameter of `sql`: the index of the argument that fills it, or the constant itself. */
  readonly parameters: readonly (Slot | unknown)[];
}

/**
 * Runs a compiled read at once, bypassing Kysely's executor, when the driver can do so safely
 * right now; `undefined` when it cannot (the caller then goes through Kysely). SQLite provides one:
 * better-sqlite3 runs a statement synchronously, so while no transaction is open on the connection
 * a read is a statement of its own and cannot interleave with anything; while one is open (from
 * this caller or another), the read goes through Kysely, which serialises it with the transaction.
 */
export type ReadNow = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined;

export function createCompiledQueries(readNow?: ReadNow): CompiledQueries {
  const cache = new Map<string, Compiled>();
  const compile = (key: string, query: Compilable<unknown>, arity: number): Compiled => {
    const { sql, parameters } = query.compile();
    const used = new Set(parameters.filter((p): p is Slot => p instanceof Slot).map((p) => p.index));
    // Every argument must reach the SQL as a bound parameter; one that Kysely inlined or dropped
    // would be silently ignored on every later call.
    for (let i = 0; i < arity; i++) if (!used.has(i)) throw new Error(`compiled query ${key}: argument ${i} is not a bound parameter`);
    return { sql, parameters };
  };
  return {
    async rows<R>(db: Kysely<Database>, key: string, build: (arg: <T>(i: number) => T) => Compilable<R>, args: readonly unknown[]) {
      let compiled = cache.get(key);
      if (!compiled) {
        compiled = compile(key, build(<T>(i: number) => new Slot(i) as T), args.length);
        cache.set(key, compiled);
      }
      const values = compiled.parameters.map((p) => (p instanceof Slot ? args[p.index] : p));
      const direct = readNow?.(compiled.sql, values);
      if (direct) return direct as R[];
      const result = await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, values));
      return result.rows;
    },
  };
}
