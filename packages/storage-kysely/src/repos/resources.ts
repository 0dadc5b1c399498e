import type { Selectable, Updateable } from 'kysely';
import type { Resource, ResourcePatch, ResourceRepo, ZoneIntent } from '@cloudlink/engine';
import type { DnsZoneIntentsTable, ResourcesTable } from '../schema.js';
import { idInRange, missingRow, optDate } from './context.js';
import type { RepoContext } from './context.js';
import { decodeNumber } from '../dialect.js';

const PATCH_COLUMNS = {
  resourceId: 'resource_id',
  name: 'name',
  region: 'region',
  status: 'status',
  metadata: 'metadata',
  secretData: 'secret_data',
  positionX: 'position_x',
  positionY: 'position_y',
  cloudConnectionId: 'cloud_connection_id',
  domainName: 'domain_name',
} as const satisfies Record<keyof ResourcePatch, keyof ResourcesTable>;

/** `ResourceFilter.type`: one type or a list of them. */
const typesOf = (type: string | readonly string[]): readonly string[] => (typeof type === 'string' ? [type] : type);

export function createResourceRepo({ db, d, atomic, compiled }: RepoContext): ResourceRepo {
  const active = d.encodeBool(true);
  const optNumber = (v: unknown) => (v === null || v === undefined ? null : decodeNumber(v));
  const toResource = (r: Selectable<ResourcesTable>): Resource => ({
    id: decodeNumber(r.id),
    workspaceId: decodeNumber(r.workspace_id),
    projectId: decodeNumber(r.project_id),
    environmentId: decodeNumber(r.environment_id),
    cloudConnectionId: optNumber(r.cloud_connection_id),
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    name: r.name,
    region: r.region,
    status: r.status,
    domainName: r.domain_name,
    parentResourceId: optNumber(r.parent_resource_id),
    metadata: (d.decodeJson(r.metadata) ?? {}) as Record<string, unknown>,
    secretData: r.secret_data,
    positionX: optNumber(r.position_x),
    positionY: optNumber(r.position_y),
    createdBy: decodeNumber(r.created_by),
    isActive: d.decodeBool(r.is_active),
    createdAt: d.decodeDate(r.created_at),
    updatedAt: d.decodeDate(r.updated_at),
    deletedAt: optDate(d, r.deleted_at),
  });
  const toZoneIntent = (r: Selectable<DnsZoneIntentsTable>): ZoneIntent => ({
    id: decodeNumber(r.id),
    workspaceId: decodeNumber(r.workspace_id),
    projectId: decodeNumber(r.project_id),
    environmentId: decodeNumber(r.environment_id),
    cloudConnectionId: optNumber(r.cloud_connection_id),
    provider: r.provider as ZoneIntent['provider'],
    domainName: r.domain_name,
    callerReference: r.caller_reference,
    createdAt: d.decodeDate(r.created_at),
  });
  const byId = async (id: number) => {
    const row = await db.selectFrom('resources').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toResource(row) : null;
  };
  return {
    async createResource(input) {
      const now = d.encodeDate(input.now);
      const row = await db
        .insertInto('resources')
        .values({
          workspace_id: input.workspaceId,
          project_id: input.projectId,
          environment_id: input.environmentId,
          cloud_connection_id: input.cloudConnectionId,
          resource_type: input.resourceType,
          resource_id: input.resourceId,
          name: input.name,
          region: input.region,
          status: input.status,
          domain_name: input.domainName,
          parent_resource_id: input.parentResourceId ?? null,
          metadata: d.encodeJson(input.metadata),
          secret_data: input.secretData,
          position_x: input.positionX,
          position_y: input.positionY,
          created_by: input.createdBy,
          is_active: active,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toResource(row);
    },
    async getResource(scope, id) {
      if (!idInRange(d, id)) return null;
      const row = await db
        .selectFrom('resources')
        .selectAll()
        .where('id', '=', id)
        .where('project_id', '=', scope.projectId)
        .where('environment_id', '=', scope.environmentId)
        .where('is_active', '=', active)
        .executeTakeFirst();
      return row ? toResource(row) : null;
    },
    async listResources(environmentId, filter, page) {
      const types = filter.type === undefined ? undefined : typesOf(filter.type);
      // `IN ()` is not SQL (no type at all matches nothing); a parent beyond the id range is no row.
      if (types?.length === 0) return [];
      if (filter.parentResourceId !== undefined && !idInRange(d, filter.parentResourceId)) return [];
      // One compiled shape per combination of filters and number of types; the values are bound per call.
      const args: unknown[] = [environmentId, page.limit, ...(types ?? [])];
      const shape: string[] = [];
      const where = (name: string, value: unknown) => {
        shape.push(name);
        args.push(value);
      };
      if (filter.parentResourceId !== undefined) where('parent', filter.parentResourceId);
      if (filter.region !== undefined) where('region', filter.region);
      if (filter.status !== undefined) where('status', filter.status);
      if (filter.state !== undefined) where('state', filter.state);
      if (page.after !== undefined) where('after', Math.min(page.after, d.maxId));
      const typeCount = types?.length ?? -1;
      const rows = await compiled.rows(
        db,
        `resources.list:${typeCount}:${shape.join(',')}`,
        (arg) => {
          let q = db.selectFrom('resources').selectAll().where('environment_id', '=', arg<number>(0)).where('is_active', '=', active);
          if (typeCount >= 0) q = q.where('resource_type', 'in', Array.from({ length: typeCount }, (_, i) => arg<string>(i + 2)));
          const first = 2 + Math.max(0, typeCount);
          shape.forEach((name, i) => {
            const value = arg<never>(first + i);
            if (name === 'parent') q = q.where('parent_resource_id', '=', value);
            else if (name === 'region') q = q.where('region', '=', value);
            else if (name === 'status') q = q.where('status', '=', value);
            else if (name === 'state') q = q.where(d.jsonStringField('metadata', 'state'), '=', value);
            else q = q.where('id', '>', value);
          });
          return q.orderBy('id').limit(arg<number>(1));
        },
        args,
      );
      return rows.map(toResource);
    },
    async getResourceById(id) {
      if (!idInRange(d, id)) return null;
      const row = await db.selectFrom('resources').selectAll().where('id', '=', id).where('is_active', '=', active).executeTakeFirst();
      return row ? toResource(row) : null;
    },
    async countResourcesByType(environmentId) {
      const rows = await db
        .selectFrom('resources')
        .select(['resource_type', (eb) => eb.fn.countAll().as('n')])
        .where('environment_id', '=', environmentId)
        .where('is_active', '=', active)
        .groupBy('resource_type')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.resource_type, decodeNumber(r.n)]));
    },
    async countResources(scope) {
      let q = db.selectFrom('resources').select((eb) => eb.fn.countAll().as('n')).where('is_active', '=', active);
      q = 'workspaceId' in scope ? q.where('workspace_id', '=', scope.workspaceId) : q.where('project_id', '=', scope.projectId);
      return decodeNumber((await q.executeTakeFirstOrThrow()).n);
    },
    async dnsDomainTaken(environmentId, domainName) {
      const row = await db
        .selectFrom('resources')
        .select('id')
        .where('environment_id', '=', environmentId)
        .where('domain_name', '=', domainName)
        .where('resource_type', '=', 'dns')
        .where('is_active', '=', active)
        .executeTakeFirst();
      return row !== undefined;
    },
    async updateResource(id, patch, now) {
      const set: Updateable<ResourcesTable> = { updated_at: d.encodeDate(now) };
      for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof ResourcePatch, keyof ResourcesTable][]) {
        if (!(key in patch) || patch[key] === undefined) continue;
        (set as Record<string, unknown>)[column] = key === 'metadata' ? d.encodeJson(patch.metadata) : patch[key];
      }
      const result = await db.updateTable('resources').set(set).where('id', '=', id).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw missingRow('resources', id);
      return (await byId(id))!;
    },
    async listSealedSecrets() {
      const rows = await db
        .selectFrom('resources')
        .select(['id', 'secret_data'])
        .where('secret_data', 'is not', null)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ id: decodeNumber(r.id), secretData: r.secret_data as string }));
    },
    async claimZoneIntent(input) {
      return atomic(async (trx) => {
        await trx
          .insertInto('dns_zone_intents')
          .values({
            workspace_id: input.workspaceId,
            project_id: input.projectId,
            environment_id: input.environmentId,
            cloud_connection_id: input.cloudConnectionId,
            provider: input.provider,
            domain_name: input.domainName,
            caller_reference: input.callerReference,
            created_at: d.encodeDate(input.now),
          })
          .onConflict((oc) => oc.columns(['environment_id', 'domain_name']).doNothing())
          .execute();
        const row = await trx
          .selectFrom('dns_zone_intents')
          .selectAll()
          .where('environment_id', '=', input.environmentId)
          .where('domain_name', '=', input.domainName)
          .executeTakeFirstOrThrow();
        return toZoneIntent(row);
      });
    },
    async settleZoneIntent(id) {
      const result = await db.deleteFrom('dns_zone_intents').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async listStaleZoneIntents(cloudConnectionId, before) {
      const rows = await db
        .selectFrom('dns_zone_intents')
        .selectAll()
        .where('cloud_connection_id', '=', cloudConnectionId)
        .where('created_at', '<', d.encodeDate(before))
        .orderBy('id')
        .execute();
      return rows.map(toZoneIntent);
    },
    async softDeleteResource(id, now) {
      const at = d.encodeDate(now);
      await db
        .updateTable('resources')
        .set({ is_active: d.encodeBool(false), status: 'deleted', deleted_at: at, updated_at: at })
        .where('id', '=', id)
        .execute();
    },
  };
}
