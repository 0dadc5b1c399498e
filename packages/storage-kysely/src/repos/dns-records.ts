import type { Selectable } from 'kysely';
import type { DnsRecordRepo, StoredRecordSet } from '@cloudlink/engine';
import type { DnsRecordsTable } from '../schema.js';
import type { RepoContext } from './context.js';

export function createDnsRecordRepo({ db, d }: RepoContext): DnsRecordRepo {
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
  const deleteAll = async (zoneResourceId: number) => {
    await db.deleteFrom('dns_records').where('zone_resource_id', '=', zoneResourceId).execute();
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
      const at = d.encodeDate(now);
      for (const s of sets) {
        // ON CONFLICT … DO UPDATE exists in both SQLite (≥ 3.24) and Postgres.
        await db
          .insertInto('dns_records')
          .values(row(zoneResourceId, s, at))
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
    },
    async deleteRecordSets(zoneResourceId, keys) {
      for (const k of keys) {
        await db
          .deleteFrom('dns_records')
          .where('zone_resource_id', '=', zoneResourceId)
          .where('name', '=', k.name)
          .where('type', '=', k.type)
          .execute();
      }
    },
    async replaceRecordSets(zoneResourceId, sets, now) {
      await deleteAll(zoneResourceId);
      const at = d.encodeDate(now);
      // Chunked so a large zone stays under SQLite's bound-parameter limit.
      for (let i = 0; i < sets.length; i += 100) {
        await db
          .insertInto('dns_records')
          .values(sets.slice(i, i + 100).map((s) => row(zoneResourceId, s, at)))
          .execute();
      }
    },
    deleteAllRecordSets: deleteAll,
  };
}
