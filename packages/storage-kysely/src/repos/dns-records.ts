import type { Kysely, Selectable } from 'kysely';
import type { DnsRecordRepo, IntendedRecordSet, StoredRecordSet } from '@cloudlink/engine';
import type { Database, DnsRecordsTable } from '../schema.js';
import type { RepoContext } from './context.js';

/**
 * Bound parameters per statement: SQLite's default limit (32 766 since 3.32), which is also below
 * Postgres' 65 535. Multi-row statements are cut into chunks that stay under it.
 */
const MAX_BOUND_PARAMETERS = 32_766;
/** Bound parameters per `dns_records` row written (its nine columns). */
const RECORD_ROW_PARAMETERS = 9;
/**
 * Keys per multi-row DELETE: Postgres parses a long `(name, type) IN (…)` list recursively and
 * runs out of stack depth well before the parameter limit (at about 10 000 pairs).
 */
const KEYS_PER_DELETE = 1000;

function chunks<T>(items: readonly T[], perItem: number, maxItems = Number.POSITIVE_INFINITY): T[][] {
  const size = Math.max(1, Math.min(maxItems, Math.floor(MAX_BOUND_PARAMETERS / perItem) - 1));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One entry per (name, type), the last one winning, as a run of single-row writes would leave it. */
function lastPerKey<T extends { name: string; type: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((s) => [`${s.name} ${s.type}`, s])).values()];
}

type Keys = readonly { name: string; type: string }[];

export function createDnsRecordRepo({ db, d, atomic }: RepoContext): DnsRecordRepo {
  const toSet = (r: Selectable<DnsRecordsTable>): StoredRecordSet => ({
    name: r.name,
    type: r.type,
    ttl: r.ttl === null ? null : Number(r.ttl),
    values: d.decodeJson(r.values) as string[],
    managed: d.decodeBool(r.managed),
    providerIds: r.provider_ids === null ? null : (d.decodeJson(r.provider_ids) as string[]),
  });
  const row = (zoneResourceId: number, s: StoredRecordSet, at: Date | string) => ({
    zone_resource_id: zoneResourceId,
    name: s.name,
    type: s.type,
    ttl: s.ttl,
    values: d.encodeJson(s.values),
    managed: d.encodeBool(s.managed),
    provider_ids: s.providerIds === null ? null : d.encodeJson(s.providerIds),
    created_at: at,
    updated_at: at,
  });
  /** Delete the listed keys of one table, one multi-row statement per chunk. */
  const deleteKeys = async (trx: Kysely<Database>, table: 'dns_records' | 'dns_record_intents', zoneResourceId: number, keys: Keys) => {
    for (const part of chunks(keys, 2, KEYS_PER_DELETE)) {
      await trx
        .deleteFrom(table)
        .where('zone_resource_id', '=', zoneResourceId)
        .where((eb) => eb(eb.refTuple('name', 'type'), 'in', part.map((k) => eb.tuple(k.name, k.type))))
        .execute();
    }
  };
  /** Insert or replace, one multi-row statement per chunk (ON CONFLICT … DO UPDATE: SQLite ≥ 3.24 and Postgres). */
  const upsert = async (trx: Kysely<Database>, zoneResourceId: number, sets: readonly StoredRecordSet[], at: Date | string) => {
    for (const part of chunks(lastPerKey(sets), RECORD_ROW_PARAMETERS)) {
      await trx
        .insertInto('dns_records')
        .values(part.map((s) => row(zoneResourceId, s, at)))
        .onConflict((oc) =>
          oc.columns(['zone_resource_id', 'name', 'type']).doUpdateSet((eb) => ({
            ttl: eb.ref('excluded.ttl'),
            values: eb.ref('excluded.values'),
            managed: eb.ref('excluded.managed'),
            provider_ids: eb.ref('excluded.provider_ids'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  };
  return {
    async listRecordSets(zoneResourceId) {
      const rows = await db
        .selectFrom('dns_records')
        .selectAll()
        .where('zone_resource_id', '=', zoneResourceId)
        .orderBy('name')
        .orderBy('type')
        .execute();
      return rows.map(toSet);
    },
    async countRecordSets(zoneResourceId) {
      const r = await db
        .selectFrom('dns_records')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('zone_resource_id', '=', zoneResourceId)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async getRecordSet(zoneResourceId, name, type) {
      const r = await db
        .selectFrom('dns_records')
        .selectAll()
        .where('zone_resource_id', '=', zoneResourceId)
        .where('name', '=', name)
        .where('type', '=', type)
        .executeTakeFirst();
      return r ? toSet(r) : null;
    },
    async putRecordSets(zoneResourceId, sets, now) {
      if (sets.length === 0) return;
      await atomic((trx) => upsert(trx, zoneResourceId, sets, d.encodeDate(now)));
    },
    async deleteRecordSets(zoneResourceId, keys) {
      if (keys.length === 0) return;
      await atomic((trx) => deleteKeys(trx, 'dns_records', zoneResourceId, keys));
    },
    async replaceRecordSets(zoneResourceId, sets, now) {
      await atomic(async (trx) => {
        await trx.deleteFrom('dns_records').where('zone_resource_id', '=', zoneResourceId).execute();
        await upsert(trx, zoneResourceId, sets, d.encodeDate(now));
      });
    },
    async deleteAllRecordSets(zoneResourceId) {
      await atomic(async (trx) => {
        await trx.deleteFrom('dns_records').where('zone_resource_id', '=', zoneResourceId).execute();
        await trx.deleteFrom('dns_record_intents').where('zone_resource_id', '=', zoneResourceId).execute();
      });
    },
    async noteCreateIntents(zoneResourceId, sets, now) {
      if (sets.length === 0) return;
      const at = d.encodeDate(now);
      await atomic(async (trx) => {
        for (const part of chunks(lastPerKey(sets), 5)) {
          await trx
            .insertInto('dns_record_intents')
            .values(part.map((s) => ({ zone_resource_id: zoneResourceId, name: s.name, type: s.type, values: d.encodeJson(s.values), created_at: at })))
            .onConflict((oc) =>
              oc.columns(['zone_resource_id', 'name', 'type']).doUpdateSet((eb) => ({ values: eb.ref('excluded.values'), created_at: eb.ref('excluded.created_at') })),
            )
            .execute();
        }
      });
    },
    async listCreateIntents(zoneResourceId): Promise<IntendedRecordSet[]> {
      const rows = await db
        .selectFrom('dns_record_intents')
        .select(['name', 'type', 'values'])
        .where('zone_resource_id', '=', zoneResourceId)
        .orderBy('name')
        .orderBy('type')
        .execute();
      return rows.map((r) => ({ name: r.name, type: r.type, values: d.decodeJson(r.values) as string[] }));
    },
    async settleCreateIntents(zoneResourceId, keys) {
      if (keys.length === 0) return;
      await atomic((trx) => deleteKeys(trx, 'dns_record_intents', zoneResourceId, keys));
    },
  };
}
