import type { StoredRecordSet } from '../../../domain/records.js';
import type { DnsRecordRepo, IntendedRecordSet, ResourceRepo, ZoneIntent } from '../../../ports/storage.js';
import { deleteRows, insertRow, updateRow } from './constraints.js';
import { byCodeUnits, toRecordSet } from './map.js';
import type { Db, DnsRecordRow, DnsZoneIntentRow, TableName } from './rows.js';
import type { Run } from './run.js';

/**
 * The stored record copy and the creation notes. Every write is all or nothing, like the SQL
 * storages' single transaction: a row refused half-way restores the tables it touched.
 */
function allOrNothing<T>(db: Db, tables: readonly TableName[], op: () => T): T {
  const saved = tables.map((t) => [t, db.tables[t].slice(), db.lastId[t]] as const);
  try {
    return op();
  } catch (e) {
    for (const [t, rows, lastId] of saved) {
      (db.tables as unknown as Record<TableName, unknown[]>)[t] = rows;
      db.lastId[t] = lastId;
    }
    throw e;
  }
}

const hasKey = (keys: readonly { name: string; type: string }[]) => (r: { name: string; type: string }) =>
  keys.some((k) => k.name === r.name && k.type === r.type);

export function createDnsRecordRepo(run: Run): DnsRecordRepo {
  const byNameThenType = (a: { name: string; type: string }, b: { name: string; type: string }) => byCodeUnits(a.name, b.name) || byCodeUnits(a.type, b.type);
  const ofZone = (db: Db, zone: number) => db.tables.dns_records.filter((r) => r.zone_resource_id === zone).sort(byNameThenType);
  const put = (db: Db, zone: number, set: StoredRecordSet, now: Date) => {
    const existing = db.tables.dns_records.find((r) => r.zone_resource_id === zone && r.name === set.name && r.type === set.type);
    const columns: Omit<DnsRecordRow, 'id' | 'created_at'> = {
      zone_resource_id: zone,
      name: set.name,
      type: set.type,
      ttl: set.ttl,
      values: set.values === null || set.values === undefined ? set.values : [...set.values],
      managed: set.managed,
      provider_ids: set.providerIds === null ? null : [...set.providerIds],
      updated_at: now,
    };
    if (existing) updateRow(db, 'dns_records', existing.id, columns);
    else insertRow(db, 'dns_records', { ...columns, created_at: now });
  };
  return {
    listRecordSets: (zone) => run((db) => ofZone(db, zone).map(toRecordSet)),
    countRecordSets: (zone) => run((db) => ofZone(db, zone).length),
    getRecordSet: (zone, name, type) =>
      run((db) => {
        const row = db.tables.dns_records.find((r) => r.zone_resource_id === zone && r.name === name && r.type === type);
        return row ? toRecordSet(row) : null;
      }),
    putRecordSets: (zone, sets, now) =>
      run((db) =>
        allOrNothing(db, ['dns_records'], () => {
          for (const set of sets) put(db, zone, set, now);
        }),
      ),
    deleteRecordSets: (zone, keys) =>
      run((db) => {
        const match = hasKey(keys);
        deleteRows(db, 'dns_records', (r) => r.zone_resource_id === zone && match(r));
      }),
    replaceRecordSets: (zone, sets, now) =>
      run((db) =>
        allOrNothing(db, ['dns_records'], () => {
          deleteRows(db, 'dns_records', (r) => r.zone_resource_id === zone);
          for (const set of sets) put(db, zone, set, now);
        }),
      ),
    deleteAllRecordSets: (zone) =>
      run((db) => {
        deleteRows(db, 'dns_records', (r) => r.zone_resource_id === zone);
        deleteRows(db, 'dns_record_intents', (r) => r.zone_resource_id === zone);
      }),
    noteCreateIntents: (zone, sets, now) =>
      run((db) =>
        allOrNothing(db, ['dns_record_intents'], () => {
          for (const set of sets) {
            const existing = db.tables.dns_record_intents.find((r) => r.zone_resource_id === zone && r.name === set.name && r.type === set.type);
            const columns = { zone_resource_id: zone, name: set.name, type: set.type, values: [...set.values], created_at: now };
            if (existing) updateRow(db, 'dns_record_intents', existing.id, columns);
            else insertRow(db, 'dns_record_intents', columns);
          }
        }),
      ),
    listCreateIntents: (zone) =>
      run((db): IntendedRecordSet[] =>
        db.tables.dns_record_intents
          .filter((r) => r.zone_resource_id === zone)
          .sort(byNameThenType)
          .map((r) => ({ name: r.name, type: r.type, values: [...r.values] })),
      ),
    settleCreateIntents: (zone, keys) =>
      run((db) => {
        const match = hasKey(keys);
        deleteRows(db, 'dns_record_intents', (r) => r.zone_resource_id === zone && match(r));
      }),
  };
}

const toZoneIntent = (r: DnsZoneIntentRow): ZoneIntent => ({
  id: r.id,
  workspaceId: r.workspace_id,
  projectId: r.project_id,
  environmentId: r.environment_id,
  cloudConnectionId: r.cloud_connection_id,
  provider: r.provider as ZoneIntent['provider'],
  domainName: r.domain_name,
  callerReference: r.caller_reference,
  createdAt: new Date(r.created_at.getTime()),
});

/** The zone-creation notes of `ResourceRepo`. */
export function zoneIntentMethods(run: Run): Pick<ResourceRepo, 'claimZoneIntent' | 'settleZoneIntent' | 'listStaleZoneIntents'> {
  return {
    claimZoneIntent: (input) =>
      run((db) => {
        const existing = db.tables.dns_zone_intents.find((r) => r.environment_id === input.environmentId && r.domain_name === input.domainName);
        return toZoneIntent(
          existing ??
            insertRow(db, 'dns_zone_intents', {
              workspace_id: input.workspaceId,
              project_id: input.projectId,
              environment_id: input.environmentId,
              cloud_connection_id: input.cloudConnectionId,
              provider: input.provider,
              domain_name: input.domainName,
              caller_reference: input.callerReference,
              created_at: input.now,
            }),
        );
      }),
    settleZoneIntent: (id) => run((db) => deleteRows(db, 'dns_zone_intents', (r) => r.id === id) > 0),
    listStaleZoneIntents: (connectionId, before) =>
      run((db) =>
        db.tables.dns_zone_intents
          .filter((r) => r.cloud_connection_id === connectionId && r.created_at.getTime() < before.getTime())
          .sort((a, b) => a.id - b.id)
          .map(toZoneIntent),
      ),
  };
}
