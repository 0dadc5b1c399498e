import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Connection health (see docs/connections.md#re-verification): when a connection was last
 * re-verified and why that did not pass, the failures in a row (the scheduler's back-off) and when
 * the scheduler checks it next. The partial index serves the scheduler's sweep.
 */
export async function up0005ConnectionHealth(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const t = dialect.ddl;
  const statements = [
    `ALTER TABLE cloud_connections ADD COLUMN last_verified_at ${t.ts}`,
    `ALTER TABLE cloud_connections ADD COLUMN last_verification_error TEXT`,
    `ALTER TABLE cloud_connections ADD COLUMN verification_failures INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE cloud_connections ADD COLUMN next_verification_at ${t.ts}`,
    `CREATE INDEX ix_cloud_connections_next_verification ON cloud_connections (next_verification_at)
      WHERE is_active = ${t.true} AND connection_status IN ('connected', 'failed')`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
