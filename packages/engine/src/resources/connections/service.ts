import type { OperationResponse } from '../../responses/operations.js';
import { recordMutationEntry } from '../../audit/scope.js';
import { environmentScope, type EnvironmentScope } from '../../access/index.js';
import type { EngineContext } from '../../context.js';
import type { Resource, ResourceConnection } from '../../domain/records.js';
import { conflict, invalidId, notFound, precondition } from '../../errors/index.js';
import { callProvider, DNS_OPERATION, openZone, withZoneLock } from '../../dns/provider-access.js';
import type { EnvironmentPath } from '../../dns/zones.js';
import { openIdPage } from '../../pagination/index.js';
import type { Actor } from '../../ports/runtime.js';
import { isStorageConflict } from '../../ports/storage.js';
import { parseInput, parsePathId } from '../../validation/index.js';
import { applyConnectionWrite, connectionPlanSteps, disconnectConnections, planConnectionWrite, type ConnectionWrite, type PlannedWrite } from './dns-link.js';
import { dryRunAnswer, parseWriteOptions, reviewRecordPlan, type DryRunnable, type RecordPlan, type WriteOptions, emptyPlan } from '../../dns/record-plan.js';
import { optionsOf, recordsFor, zoneOfSubdomain } from './lifecycle.js';
import { allowedPair } from './pairs.js';
import type { ConnectionOptions } from './records.js';
import {
  createResourceConnectionBodySchema,
  listResourceConnectionsQuerySchema,
  updateResourceConnectionBodySchema,
  type CreateResourceConnectionBody,
  type ListResourceConnectionsQuery,
  type UpdateResourceConnectionBody,
} from './schemas.js';
import { serializeResourceConnection } from './serialize.js';

export type CreateResourceConnectionInput = EnvironmentPath & CreateResourceConnectionBody & WriteFlags;
export type ListResourceConnectionsInput = EnvironmentPath & ListResourceConnectionsQuery;
export interface ResourceConnectionInput extends EnvironmentPath {
  readonly id: string | number;
}
/** `dryRun` and `force` of a connection write (docs/records.md#plan-before-apply): `true`/`false`. */
export interface WriteFlags {
  readonly dryRun?: string | boolean;
  readonly force?: string | boolean;
}
export type UpdateResourceConnectionInput = ResourceConnectionInput & UpdateResourceConnectionBody & WriteFlags;

const scopeIds = (s: EnvironmentScope) => ({ projectId: s.project.id, environmentId: s.environment.id });

/**
 * The `resourceConnections` service group (see docs/resources.md#resource-connections): connect,
 * list, get, re-point and disconnect. Every change of a `dns` connection runs under its zone's lock.
 */
export function createResourceConnectionServices(ctx: EngineContext) {
  async function resourceIn(scope: EnvironmentScope, field: string, id: number): Promise<Resource> {
    const r = await ctx.storage.resources.getResource(scopeIds(scope), id);
    if (!r) throw notFound.namedResource(field, id);
    return r;
  }

  /** The pair must be in the table; the zone is the subdomain's. */
  async function checkPair(source: Resource, target: Resource): Promise<Resource> {
    if (!allowedPair(source.resourceType, target.resourceType)) {
      throw precondition.connectionNotAllowed(`A ${source.resourceType} cannot be connected to a ${target.resourceType}`);
    }
    const zone = await zoneOfSubdomain(ctx, source);
    if (!zone) throw notFound.dnsZone();
    return zone;
  }

  async function findConnection(a: Actor | null, input: ResourceConnectionInput, permission: 'canViewResources' | 'canUpdateResources') {
    const scope = await environmentScope(ctx, a, input ?? {}, permission);
    const id = parsePathId(input?.id, invalidId.resourceConnection);
    const connection = await ctx.storage.resourceConnections.getResourceConnection(scopeIds(scope), id);
    if (!connection) throw notFound.resourceConnection();
    return { scope, connection };
  }

  async function present(c: ResourceConnection) {
    const [source, target] = await Promise.all([ctx.storage.resources.getResourceById(c.sourceResourceId), ctx.storage.resources.getResourceById(c.targetResourceId)]);
    return serializeResourceConnection(c, source, target);
  }

  /**
   * Bring one connection to `target` with `options` under the zone lock: re-read both ends, build
   * the records, plan (refusing foreign sets), one provider batch, record. `row` gives the connection
   * row to write through (created pending by the caller, or existing); `fresh` rows are removed
   * again when the plan refuses, so a refused connect leaves nothing behind.
   */
  async function writeUnderLock(
    scope: EnvironmentScope,
    zoneRow: Resource,
    sourceId: number,
    targetId: number,
    options: ConnectionOptions,
    row: (records: ReturnType<typeof recordsFor>, dryRun: boolean) => Promise<{ connection: ResourceConnection | null; fresh: boolean }>,
    writeOptions: WriteOptions,
  ): Promise<{ written: ResourceConnection } | { plan: RecordPlan }> {
    const op = DNS_OPERATION.connect;
    const zone = await openZone(ctx, scope.project, zoneRow, op);
    return withZoneLock(ctx, zoneRow, op, async (currentZone) => {
      const source = await resourceIn(scope, 'sourceId', sourceId);
      const target = await resourceIn(scope, 'targetId', targetId);
      const next = recordsFor(ctx, currentZone, source, target, options);
      const dryRun = writeOptions.dryRun ?? false;
      // A dry run reads the row it would write through, and stores none.
      const { connection, fresh } = await row(next, dryRun);
      const forget = async () => {
        if (fresh && connection) await ctx.storage.resourceConnections.softDeleteResourceConnection(connection.id, ctx.clock.now());
      };
      // A host delete soft-deletes the target, then disconnects what targets it: a row stored before
      // that delete looked is found by it; a target gone by now stops here.
      if (!(await ctx.storage.resources.getResource(scopeIds(scope), targetId))) {
        await forget();
        throw notFound.namedResource('targetId', targetId);
      }
      const previous = fresh || !connection ? [] : connection.records;
      let plan: PlannedWrite<Omit<ConnectionWrite, 'connection'>>;
      try {
        plan = await planConnectionWrite(ctx, zone, zoneRow.id, [{ previous, next, options, targetResourceId: target.id }]);
        // The same steps the write sends: refused above the safety threshold, or answered by a dry run.
        const reviewed = await callProvider(op, zone.meta.provider, () => reviewRecordPlan(ctx, zone, zoneRow.id, connectionPlanSteps(plan), writeOptions));
        if (reviewed) return { plan: reviewed };
      } catch (e) {
        await forget();
        throw e;
      }
      if (!connection) throw new Error('a connection write without a row');
      const writes = plan.writes.map((w) => ({ ...w, connection }));
      const [written] = await applyConnectionWrite(ctx, zone, zoneRow.id, { ...plan, writes }, (tx) => recordMutationEntry(tx, ctx, { resourceConnectionId: connection.id, zoneId: zoneRow.id }));
      return { written: written as ResourceConnection };
    });
  }

  return {
    /** POST …/resource-connections — `canUpdateResources`: connect a subdomain to a host resource (201). */
    create: (async (a: Actor | null, input: CreateResourceConnectionInput): Promise<OperationResponse<'resourceConnections.create'>> => {
      const scope = await environmentScope(ctx, a, input ?? {}, 'canUpdateResources');
      const writeOptions = parseWriteOptions(input);
      const body = parseInput(createResourceConnectionBodySchema, input);
      const source = await resourceIn(scope, 'sourceId', body.sourceId);
      const target = await resourceIn(scope, 'targetId', body.targetId);
      const zoneRow = await checkPair(source, target);
      const options = { ttl: body.ttl, proxied: body.proxied };
      // Input errors (no dnsTarget, apex CNAME, proxied) before anything is stored or sent.
      recordsFor(ctx, zoneRow, source, target, options);
      const outcome = await writeUnderLock(scope, zoneRow, source.id, target.id, options, async (records, dryRun) => {
        const existing = (await ctx.storage.resourceConnections.listConnectionsOfResource(source.id)).find((c) => c.sourceResourceId === source.id);
        // A connect cut short (crash, lost answer) left its row pending: the same request finishes it.
        if (existing) {
          if (existing.status === 'pending' && existing.targetResourceId === target.id) return { connection: existing, fresh: false };
          throw conflict.subdomainConnected(source.id);
        }
        if (dryRun) return { connection: null, fresh: true };
        try {
          const connection = await ctx.storage.resourceConnections.createResourceConnection({
            workspaceId: scope.workspace.id,
            projectId: scope.project.id,
            environmentId: scope.environment.id,
            connectionType: 'dns',
            sourceResourceId: source.id,
            targetResourceId: target.id,
            zoneResourceId: zoneRow.id,
            status: 'pending',
            records,
            options: { ...options },
            createdBy: scope.user.id,
            now: ctx.clock.now(),
          });
          return { connection, fresh: true };
        } catch (e) {
          if (isStorageConflict(e, 'resource_connections.source')) throw conflict.subdomainConnected(source.id);
          throw e;
        }
      }, writeOptions);
      if ('plan' in outcome) return dryRunAnswer(outcome.plan);
      const { written } = outcome;
      ctx.events.emit({ type: 'dns.changed', workspaceId: scope.workspace.id, zoneId: zoneRow.id, kind: 'connection_created', resourceConnectionId: written.id });
      return { message: 'Resource connection created successfully', data: await present(written) };
    }) as DryRunnable<CreateResourceConnectionInput, OperationResponse<'resourceConnections.create'>>,

    /** GET …/resource-connections — `canViewResources`: one keyset page, `?resourceId=` (source or target). */
    async list(a: Actor | null, input: ListResourceConnectionsInput): Promise<OperationResponse<'resourceConnections.list'>> {
      const scope = await environmentScope(ctx, a, input ?? {}, 'canViewResources');
      const q = parseInput(listResourceConnectionsQuerySchema, input);
      const page = openIdPage(q, 'resourceConnections', scope.environment.id);
      const filter = q.resourceId !== undefined ? { resourceId: q.resourceId } : {};
      const { items, nextCursor } = page.finish(await ctx.storage.resourceConnections.listResourceConnections(scope.environment.id, filter, page.read));
      const data = [];
      for (const c of items) data.push(await present(c));
      return { message: 'Resource connections retrieved successfully', count: data.length, data, nextCursor };
    },

    /** GET …/resource-connections/:id — `canViewResources`. */
    async get(a: Actor | null, input: ResourceConnectionInput): Promise<OperationResponse<'resourceConnections.get'>> {
      const { connection } = await findConnection(a, input, 'canViewResources');
      return { message: 'Resource connection retrieved successfully', data: await present(connection) };
    },

    /** PATCH …/resource-connections/:id — `canUpdateResources`: re-point (`targetId`) and/or `ttl`, `proxied`, in one batch. */
    update: (async (a: Actor | null, input: UpdateResourceConnectionInput): Promise<OperationResponse<'resourceConnections.update'>> => {
      const { scope, connection } = await findConnection(a, input, 'canUpdateResources');
      const writeOptions = parseWriteOptions(input);
      const body = parseInput(updateResourceConnectionBodySchema, input);
      if (connection.status === 'deleting') throw precondition.connectionNotAllowed(`Resource connection ${connection.id} is being disconnected; delete it again to finish`);
      const source = await resourceIn(scope, 'sourceId', connection.sourceResourceId);
      const target = await resourceIn(scope, 'targetId', body.targetId ?? connection.targetResourceId);
      const zoneRow = await checkPair(source, target);
      const current = optionsOf(connection);
      const options = { ttl: body.ttl ?? current.ttl, proxied: body.proxied ?? current.proxied };
      recordsFor(ctx, zoneRow, source, target, options);
      const outcome = await writeUnderLock(scope, zoneRow, source.id, target.id, options, async () => {
        const fresh = await ctx.storage.resourceConnections.getResourceConnection(scopeIds(scope), connection.id);
        if (!fresh) throw notFound.resourceConnection();
        if (fresh.status === 'deleting') throw precondition.connectionNotAllowed(`Resource connection ${fresh.id} is being disconnected; delete it again to finish`);
        return { connection: fresh, fresh: false };
      }, writeOptions);
      if ('plan' in outcome) return dryRunAnswer(outcome.plan);
      const { written } = outcome;
      ctx.events.emit({ type: 'dns.changed', workspaceId: scope.workspace.id, zoneId: zoneRow.id, kind: 'connection_updated', resourceConnectionId: written.id });
      return { message: 'Resource connection updated successfully', data: await present(written) };
    }) as DryRunnable<UpdateResourceConnectionInput, OperationResponse<'resourceConnections.update'>>,

    /** DELETE …/resource-connections/:id — `canUpdateResources`: disconnect (records removed at the provider). */
    delete: (async (a: Actor | null, input: ResourceConnectionInput & WriteFlags): Promise<OperationResponse<'resourceConnections.delete'>> => {
      const { scope, connection } = await findConnection(a, input, 'canUpdateResources');
      const writeOptions = parseWriteOptions(input);
      const op = DNS_OPERATION.disconnect;
      const zoneRow = connection.zoneResourceId === null ? null : await ctx.storage.resources.getResource(scopeIds(scope), connection.zoneResourceId);
      if (!zoneRow) {
        // No zone, no records to remove: forget it (a dry run: nothing would be sent).
        if (writeOptions.dryRun) return dryRunAnswer(emptyPlan(ctx));
        await ctx.storage.transaction(async (tx) => {
          await tx.resourceConnections.softDeleteResourceConnection(connection.id, ctx.clock.now());
          await recordMutationEntry(tx, ctx, { resourceConnectionId: connection.id });
        });
      } else {
        const zone = await openZone(ctx, scope.project, zoneRow, op);
        const plan = await withZoneLock(ctx, zoneRow, op, async () => {
          const fresh = await ctx.storage.resourceConnections.getResourceConnection(scopeIds(scope), connection.id);
          if (!fresh) throw notFound.resourceConnection();
          return disconnectConnections(
            ctx,
            zone,
            zoneRow.id,
            [fresh],
            DNS_OPERATION.disconnect,
            (tx) => recordMutationEntry(tx, ctx, { resourceConnectionId: fresh.id, zoneId: zoneRow.id }),
            writeOptions,
          );
        });
        if (plan) return dryRunAnswer(plan);
      }
      if (zoneRow) ctx.events.emit({ type: 'dns.changed', workspaceId: scope.workspace.id, zoneId: zoneRow.id, kind: 'connection_deleted', resourceConnectionId: connection.id });
      return { message: 'Resource connection deleted successfully', data: { id: connection.id } };
    }) as DryRunnable<ResourceConnectionInput & WriteFlags, OperationResponse<'resourceConnections.delete'>>,
  };
}
