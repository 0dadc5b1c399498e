import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { DEFAULT_NAMESPACE, namespacePlugin, type Namespace } from './namespace.js';

/** Raw reads for tests: rows exactly as the driver returns them (snake_case, no mapping). */
export interface Peek {
  /** Every row of `table`, ordered by its first column (the id for every schema table). */
  rows(table: string): Promise<Record<string, unknown>[]>;
}

/**
 * The conformance "backdoor" (Auth.js style): verify writes without going through the storage's
 * own getters. Test use only; `table` is an identifier, never user input, read in `namespace`.
 */
export function createPeek(root: Kysely<unknown>, namespace: Namespace = DEFAULT_NAMESPACE): Peek {
  const plugin = namespacePlugin(namespace);
  const db = plugin ? root.withPlugin(plugin) : root;
  return {
    async rows(table) {
      const result = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} ORDER BY 1`.execute(db);
      return result.rows;
    },
  };
}
