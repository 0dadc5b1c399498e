import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Creation notes written before a provider call, so that a process killed between the provider's
 * answer and the row that records it leaves a trace to reconcile by:
 *
 * - `dns_record_intents`: record sets a write is about to create in a zone (their ownership —
 *   `dns_records.managed` — would otherwise be lost when the write dies part-way through);
 * - `dns_zone_intents`: a zone being created, with the caller reference the provider was given
 *   (one per environment and domain, so a retry reuses it instead of creating a second zone).
 */
export async function up0002WriteIntents(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const t = dialect.ddl;
  const statements = [
    `CREATE TABLE dns_record_intents (id ${t.id}, zone_resource_id INTEGER NOT NULL REFERENCES resources (id),
      name ${t.textBinary} NOT NULL, type ${t.textBinary} NOT NULL, "values" ${t.json} NOT NULL, created_at ${t.ts} NOT NULL)`,
    `CREATE UNIQUE INDEX ux_dns_record_intents_set ON dns_record_intents (zone_resource_id, name, type)`,
    `CREATE TABLE dns_zone_intents (id ${t.id}, workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
      project_id INTEGER NOT NULL REFERENCES projects (id), environment_id INTEGER NOT NULL REFERENCES environments (id),
      cloud_connection_id INTEGER REFERENCES cloud_connections (id), provider TEXT NOT NULL, domain_name TEXT NOT NULL,
      caller_reference TEXT NOT NULL, created_at ${t.ts} NOT NULL)`,
    `CREATE UNIQUE INDEX ux_dns_zone_intents_domain ON dns_zone_intents (environment_id, domain_name)`,
    `CREATE INDEX ix_dns_zone_intents_connection ON dns_zone_intents (cloud_connection_id)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
