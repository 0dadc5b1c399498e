import type { ConnectionRecordSet, Resource, ResourceConnection } from '../../domain/records.js';
import type { ResourceConnectionObject } from '../../responses/resources.js';
import { VERIFICATION_LABEL } from './records.js';

export type { ResourceConnectionObject };

const iso = (d: Date) => d.toISOString();

/** `{id, resourceType, name}` of a connection's end (null fields once the resource is gone). */
function endRef(id: number, r: Resource | null) {
  return { id, resourceType: r?.resourceType ?? null, name: r?.name ?? null };
}

function recordOut(s: ConnectionRecordSet): ResourceConnectionObject['records'][number] {
  return {
    name: s.name,
    type: s.type,
    ttl: s.ttl,
    values: [...s.values],
    ...(s.alias ? { alias: { ...s.alias } } : {}),
    ...(s.proxied !== undefined ? { proxied: s.proxied } : {}),
  };
}

/** The provider change of the connection's last write (kept in `options`; null on Cloudflare). */
export const changeIdOf = (c: ResourceConnection): string | null => (typeof c.options.changeId === 'string' ? c.options.changeId : null);

/** The connection object of docs/resources.md#resource-connections. */
export function serializeResourceConnection(c: ResourceConnection, source: Resource | null, target: Resource | null): ResourceConnectionObject {
  const main = c.records.find((s) => !s.name.startsWith(`${VERIFICATION_LABEL}.`)) ?? c.records[0];
  return {
    id: c.id,
    connectionType: c.connectionType,
    status: c.status,
    source: endRef(c.sourceResourceId, source),
    target: endRef(c.targetResourceId, target),
    zoneId: c.zoneResourceId,
    recordName: main?.name ?? null,
    records: c.records.map(recordOut),
    changeId: changeIdOf(c),
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}
