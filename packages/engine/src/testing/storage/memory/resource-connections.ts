import type { ResourceConnectionPatch, ResourceConnectionRepo } from '../../../ports/storage.js';
import { insertRow, updateRow } from './constraints.js';
import { toResourceConnection } from './map.js';
import type { Db, ResourceConnectionRow } from './rows.js';
import type { Run } from './run.js';
import { pageById } from './id-page.js';

/**
 * The SQL storages keep `records` and `options` as JSON text, so a key holding `undefined` is
 * dropped on the way in; the memory storage stores them the same way to round-trip alike.
 */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** camelCase patch → column changes; only the keys present are written. */
function connectionChanges(patch: ResourceConnectionPatch): Partial<ResourceConnectionRow> {
  const out: Partial<ResourceConnectionRow> = {};
  if (patch.status !== undefined) out.status = patch.status;
  if (patch.records !== undefined) out.records = asJson([...patch.records]);
  if (patch.options !== undefined) out.options = asJson({ ...patch.options });
  if (patch.targetResourceId !== undefined) out.target_resource_id = patch.targetResourceId;
  return out;
}

export function createResourceConnectionRepo(run: Run): ResourceConnectionRepo {
  const activeWhere = (db: Db, pred: (c: ResourceConnectionRow) => boolean) =>
    db.tables.resource_connections.filter((c) => c.is_active && pred(c)).sort((a, b) => a.id - b.id).map(toResourceConnection);
  return {
    createResourceConnection: (input) =>
      run((db) =>
        toResourceConnection(
          insertRow(db, 'resource_connections', {
            workspace_id: input.workspaceId,
            project_id: input.projectId,
            environment_id: input.environmentId,
            connection_type: input.connectionType,
            source_resource_id: input.sourceResourceId,
            target_resource_id: input.targetResourceId,
            zone_resource_id: input.zoneResourceId,
            status: input.status,
            records: asJson([...input.records]),
            options: asJson(input.options),
            created_by: input.createdBy,
            is_active: true,
            created_at: input.now,
            updated_at: input.now,
            deleted_at: null,
          }),
        ),
      ),
    getResourceConnection: ({ projectId, environmentId }, id) =>
      run((db) => {
        const row = db.tables.resource_connections.find(
          (c) => c.id === id && c.project_id === projectId && c.environment_id === environmentId && c.is_active,
        );
        return row ? toResourceConnection(row) : null;
      }),
    listResourceConnections: (environmentId, filter, page) =>
      run((db) =>
        pageById(
          db.tables.resource_connections.filter(
            (c) =>
              c.environment_id === environmentId &&
              c.is_active &&
              (filter.resourceId === undefined || c.source_resource_id === filter.resourceId || c.target_resource_id === filter.resourceId),
          ),
          page,
        ).map(toResourceConnection),
      ),
    listConnectionsOfResource: (resourceId) =>
      run((db) => activeWhere(db, (c) => c.source_resource_id === resourceId || c.target_resource_id === resourceId)),
    listConnectionsOfZone: (zoneResourceId) => run((db) => activeWhere(db, (c) => c.zone_resource_id === zoneResourceId)),
    updateResourceConnection: (id, patch, now) =>
      run((db) => {
        const row = updateRow(db, 'resource_connections', id, { ...connectionChanges(patch), updated_at: now });
        if (row === null) throw new Error(`resource connection ${id} does not exist`);
        return toResourceConnection(row);
      }),
    softDeleteResourceConnection: (id, now) =>
      run((db) => {
        const row = db.tables.resource_connections.find((c) => c.id === id && c.is_active);
        if (!row) return false;
        updateRow(db, 'resource_connections', id, { is_active: false, deleted_at: now, updated_at: now });
        return true;
      }),
  };
}
