import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * How a connection authenticates (see docs/connections.md#connection-modes): null is the
 * provider's default mode (AWS: role + ExternalId, Azure: client secret, GCP: federated), 'oidc'
 * is federated through cloudlink's own issuer, so no cloud secret is stored for it. Nullable so
 * the rows from before keep their meaning without a backfill.
 */
export async function up0007ConnectionAuthMode(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await sql.raw(`ALTER TABLE cloud_connections ADD COLUMN auth_mode TEXT CHECK (auth_mode IN ('oidc'))`).execute(db);
}
