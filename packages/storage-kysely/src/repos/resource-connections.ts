import type { Selectable, Updateable } from 'kysely';
import type { ConnectionRecordSet, ResourceConnection, ResourceConnectionRepo, ResourceConnectionStatus } from '@cloudlink/engine';
import type { ResourceConnectionsTable } from '../schema.js';
import { idInRange, missingRow, optDate } from './context.js';
import type { RepoContext } from './context.js';
import { decodeNumber } from '../dialect.js';

export function createResourceConnectionRepo({ db, d }: RepoContext): ResourceConnectionRepo {
  const active = d.encodeBool(true);
  const toConnection = (r: Selectable<ResourceConnectionsTable>): ResourceConnection => ({
    id: decodeNumber(r.id),
    workspaceId: decodeNumber(r.workspace_id),
    projectId: decodeNumber(r.project_id),
    environmentId: decodeNumber(r.environment_id),
    connectionType: r.connection_type,
    sourceResourceId: decodeNumber(r.source_resource_id),
    targetResourceId: decodeNumber(r.target_resource_id),
    zoneResourceId: r.zone_resource_id === null ? null : decodeNumber(r.zone_resource_id),
    status: r.status as ResourceConnectionStatus,
    records: d.decodeJson(r.records) as ConnectionRecordSet[],
    options: d.decodeJson(r.options) as Record<string, unknown>,
    createdBy: decodeNumber(r.created_by),
    isActive: d.decodeBool(r.is_active),
    createdAt: d.decodeDate(r.created_at),
    updatedAt: d.decodeDate(r.updated_at),
    deletedAt: optDate(d, r.deleted_at),
  });
  const activeRows = () => db.selectFrom('resource_connections').selectAll().where('is_active', '=', active);
  return {
    async createResourceConnection(input) {
      const now = d.encodeDate(input.now);
      const row = await db
        .insertInto('resource_connections')
        .values({
          workspace_id: input.workspaceId,
          project_id: input.projectId,
          environment_id: input.environmentId,
          connection_type: input.connectionType,
          source_resource_id: input.sourceResourceId,
          target_resource_id: input.targetResourceId,
          zone_resource_id: input.zoneResourceId,
          status: input.status,
          records: d.encodeJson(input.records),
          options: d.encodeJson(input.options),
          created_by: input.createdBy,
          is_active: active,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toConnection(row);
    },
    async getResourceConnection(scope, id) {
      if (!idInRange(d, id)) return null;
      const row = await activeRows()
        .where('id', '=', id)
        .where('project_id', '=', scope.projectId)
        .where('environment_id', '=', scope.environmentId)
        .executeTakeFirst();
      return row ? toConnection(row) : null;
    },
    async listResourceConnections(environmentId, filter, page) {
      const { resourceId } = filter;
      if (resourceId !== undefined && !idInRange(d, resourceId)) return [];
      let q = activeRows().where('environment_id', '=', environmentId);
      if (resourceId !== undefined) {
        q = q.where((eb) => eb.or([eb('source_resource_id', '=', resourceId), eb('target_resource_id', '=', resourceId)]));
      }
      if (page.after !== undefined) q = q.where('id', '>', Math.min(page.after, d.maxId));
      const rows = await q.orderBy('id').limit(page.limit).execute();
      return rows.map(toConnection);
    },
    async listConnectionsOfResource(resourceId) {
      if (!idInRange(d, resourceId)) return [];
      const rows = await activeRows()
        .where((eb) => eb.or([eb('source_resource_id', '=', resourceId), eb('target_resource_id', '=', resourceId)]))
        .orderBy('id')
        .execute();
      return rows.map(toConnection);
    },
    async listConnectionsOfZone(zoneResourceId) {
      if (!idInRange(d, zoneResourceId)) return [];
      const rows = await activeRows().where('zone_resource_id', '=', zoneResourceId).orderBy('id').execute();
      return rows.map(toConnection);
    },
    async updateResourceConnection(id, patch, now) {
      const set: Updateable<ResourceConnectionsTable> = { updated_at: d.encodeDate(now) };
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.records !== undefined) set.records = d.encodeJson(patch.records);
      if (patch.options !== undefined) set.options = d.encodeJson(patch.options);
      if (patch.targetResourceId !== undefined) set.target_resource_id = patch.targetResourceId;
      const row = await db.updateTable('resource_connections').set(set).where('id', '=', id).returningAll().executeTakeFirst();
      if (!row) throw missingRow('resource_connections', id);
      return toConnection(row);
    },
    async softDeleteResourceConnection(id, now) {
      const at = d.encodeDate(now);
      const result = await db
        .updateTable('resource_connections')
        .set({ is_active: d.encodeBool(false), deleted_at: at, updated_at: at })
        .where('id', '=', id)
        .where('is_active', '=', active)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
