import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * The host's own id of a user (`users.provision`, docs/access.md#authentication): nullable, as users
 * made by `cloudlink seed` have none, and unique, so two app instances provisioning the same id at
 * once end up with one row. The CHECK repeats the engine's cap (EXTERNAL_ID_MAX_CHARS) so a value
 * written around the engine cannot grow the index either; `length` counts characters on both
 * databases.
 */
export async function up0006UserExternalId(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  const statements = [
    `ALTER TABLE users ADD COLUMN external_id TEXT CONSTRAINT ck_users_external_id CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 255)`,
    `CREATE UNIQUE INDEX ux_users_external_id ON users (external_id) WHERE external_id IS NOT NULL`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
