import { recordMutationEntry } from '../audit/scope.js';
import { environmentScope } from '../access/index.js';
import { recordAudit } from '../audit/index.js';
import type { EngineContext } from '../context.js';
import type { Resource, StoredRecordSet } from '../domain/records.js';
import { invalidField, invalidId, notFound, precondition } from '../errors/index.js';
import type { RecordChange, RecordSet } from '../ports/dns.js';
import { isProviderCallError } from '../ports/provider-error.js';
import type { Actor } from '../ports/runtime.js';
import { parseInput, parsePathId, parseQueryBoolean } from '../validation/index.js';
import { callProvider, DNS_OPERATION, openZone, withZoneLock, type OpenZone } from './provider-access.js';
import { createIntents, isOurs, managedSetKeys, setKey, TARGETED_READ_LIMIT, toStored } from './record-state.js';
import { sameValues } from './records/record-set.js';
import { listResourcesQuerySchema, type ListResourcesQuery } from './schemas.js';
import { scopeRef, serializeResource, zoneMetadata } from './serialize.js';
import { LIST_PAGE_MAX, openIdPage } from '../pagination/index.js';
import { connectionDeletes, disconnectConnections } from '../resources/connections/dns-link.js';
import { dryRunAnswer, emptyPlan, parseWriteOptions, reviewRecordPlan, type DryRunnable, type PlanStep, type RecordPlan } from './record-plan.js';
import { removeResource } from '../resources/connections/removal.js';
import { VERIFICATION_LABEL, VERIFICATION_TEXT } from '../resources/connections/records.js';
import { reconcileStaleZoneNotes } from './zone-intents.js';
import { resourceCounts } from '../resources/catalogue.js';
import type { EnvironmentPath } from './zones.js';
import type { OperationResponse } from '../responses/operations.js';

export type ListResourcesInput = EnvironmentPath & ListResourcesQuery;
export interface ResourceInput extends EnvironmentPath {
  readonly resourceId: string | number;
}
export interface DeleteResourceInput extends ResourceInput {
  readonly deleteFromCloud?: string | boolean;
  /** Zones with deleteFromCloud: answer the plan, delete nothing (docs/records.md#plan-before-apply). */
  readonly dryRun?: string | boolean;
}

/** Route 53 DELETEs per change call while emptying a zone (within its 1 000-element limit). */
const DELETE_CHUNK = 500;

const isApexNsSoa = (name: string, type: string, domain: string) => name === `${domain}.` && (type === 'NS' || type === 'SOA');
/** Whether deleting the zone deletes it at the provider: every provider but Cloudflare creates zones, and an adopted zone was never ours. */
const isOwnZone = (zone: OpenZone, row: Resource) => zone.meta.provider !== 'cloudflare' && !zoneMetadata(row).adopted;

export function createResourceServices(ctx: EngineContext) {
  async function findResource(a: Actor | null, input: ResourceInput, permission: 'canViewResources' | 'canUpdateResources' | 'canDeleteResources') {
    const scope = await environmentScope(ctx, a, input ?? {}, permission);
    const id = parsePathId(input?.resourceId, invalidId.resource);
    const resource = await ctx.storage.resources.getResource({ projectId: scope.project.id, environmentId: scope.environment.id }, id);
    if (!resource) throw notFound.resource();
    return { scope, resource };
  }
  /**
   * Forget a zone in one transaction: its resource connections and subdomains, the stored copy and
   * the zone itself. The last step of a zone delete, so the zone stays active (and a retry possible)
   * until everything at the provider is done.
   */
  function forget(zone: Resource): Promise<void> {
    return ctx.storage.transaction(async (tx) => {
      const now = ctx.clock.now();
      for (const c of await tx.resourceConnections.listConnectionsOfZone(zone.id)) await tx.resourceConnections.softDeleteResourceConnection(c.id, now);
      for (let after: number | undefined; ; ) {
        const page = await tx.resources.listResources(zone.environmentId, { type: 'subdomain', parentResourceId: zone.id }, after === undefined ? { limit: LIST_PAGE_MAX } : { after, limit: LIST_PAGE_MAX });
        for (const sub of page) await tx.resources.softDeleteResource(sub.id, now);
        const last = page[page.length - 1];
        if (page.length < LIST_PAGE_MAX || !last) break;
        after = last.id;
      }
      await tx.dnsRecords.deleteAllRecordSets(zone.id);
      await tx.resources.softDeleteResource(zone.id, now);
      await recordMutationEntry(tx, ctx, { zoneId: zone.id });
    });
  }
  /** The DELETEs emptying a zone cloudlink created (Route 53, Cloud DNS, Azure DNS): every set but the apex NS/SOA; null when the zone is gone already. */
  async function ownZoneDeletes(zone: OpenZone): Promise<RecordChange[] | null> {
    const changes: RecordChange[] = [];
    try {
      for await (const rs of zone.session.listRecordSets(zone.info)) {
        if (!isApexNsSoa(rs.name, rs.type, zone.info.domainName)) changes.push({ action: 'DELETE', recordSet: rs });
      }
    } catch (e) {
      if (isProviderCallError(e) && e.kind === 'not-found') return null;
      throw e;
    }
    return changes;
  }
  /** A zone cloudlink created: every set but the apex NS/SOA, deleted in chunks, then the zone. */
  async function emptyOwnZone(zone: OpenZone): Promise<void> {
    const changes = await ownZoneDeletes(zone);
    if (changes === null) return; // already gone
    for (let i = 0; i < changes.length; i += DELETE_CHUNK) await zone.session.applyChanges(zone.info, changes.slice(i, i + DELETE_CHUNK));
    try {
      await zone.session.deleteZone(zone.info);
    } catch (e) {
      if (!(isProviderCallError(e) && e.kind === 'not-found')) throw e;
    }
  }

  /**
   * Only the record sets we created, and only while their values still match what we wrote: the
   * stored `managed` sets, and the sets a write noted it would create but died before recording.
   * What a zone delete removes from zones that are not ours to delete (Cloudflare, adopted ones).
   */
  async function ourSetsToRemove(zone: OpenZone, zoneId: number): Promise<RecordChange[]> {
    const ours = new Map<string, (readonly string[])[]>();
    const claim = (name: string, type: string, values: readonly string[]) => ours.set(setKey(name, type), [...(ours.get(setKey(name, type)) ?? []), values]);
    for (const s of await ctx.storage.dnsRecords.listRecordSets(zoneId)) if (s.managed) claim(s.name, s.type, s.values);
    for (const i of (await createIntents(ctx, zoneId)).values()) claim(i.name, i.type, i.values);
    const changes: RecordChange[] = [];
    const consider = (live: RecordSet | null) => {
      const candidates = live ? ours.get(setKey(live.name, live.type)) : undefined;
      if (live && candidates?.some((values) => sameValues(live.values, values))) changes.push({ action: 'DELETE', recordSet: live });
    };
    // Few sets: targeted reads; many: one streamed listing (see docs/batching.md).
    if (ours.size <= TARGETED_READ_LIMIT) {
      for (const key of ours.keys()) {
        const i = key.lastIndexOf(' ');
        consider(await zone.session.getRecordSet(zone.info, key.slice(0, i), key.slice(i + 1)));
      }
    } else {
      for await (const live of zone.session.listRecordSets(zone.info)) consider(live);
    }
    return changes;
  }
  async function removeOurSets(zone: OpenZone, zoneId: number): Promise<void> {
    const changes = await ourSetsToRemove(zone, zoneId);
    if (changes.length > 0) await zone.session.applyChanges(zone.info, changes);
  }

  /**
   * What a zone delete with deleteFromCloud would send (a dry run): the connections' DELETEs (one
   * call), then the rest of the zone's sets (a zone cloudlink created: all but the apex
   * NS/SOA, in chunks, then `deleteZone`) or only the sets cloudlink wrote, in the order the real
   * delete sends them. Reads only; the zone delete is not guarded by the threshold (removing the
   * zone's sets is what it is asked for).
   */
  async function planZoneDelete(zone: OpenZone, current: Resource): Promise<RecordPlan> {
    const connections = await ctx.storage.resourceConnections.listConnectionsOfZone(current.id);
    const first = await connectionDeletes(zone, connections);
    const gone = new Set(first.map((c) => setKey(c.recordSet.name, c.recordSet.type)));
    const ownZone = isOwnZone(zone, current);
    const rest = ((ownZone ? await ownZoneDeletes(zone) : await ourSetsToRemove(zone, current.id)) ?? []).filter((c) => !gone.has(setKey(c.recordSet.name, c.recordSet.type)));
    const steps: PlanStep[] = [...first, ...rest].map((change) => ({ current: change.recordSet, next: null, change }));
    const groups: number[][] = [first.map((_, i) => i)];
    const chunk = ownZone ? DELETE_CHUNK : Math.max(rest.length, 1);
    for (let i = 0; i < rest.length; i += chunk) groups.push(rest.slice(i, i + chunk).map((_, j) => first.length + i + j));
    const plan = await reviewRecordPlan(ctx, zone, current.id, steps, { dryRun: true }, { threshold: false, groups, extraCalls: ownZone ? [{ call: 'deleteZone', changes: [] }] : [] });
    return plan as RecordPlan;
  }

  return {
    /**
     * GET …/resources — `canViewResources`: one page (`limit`, `cursor`), `id`
     * ascending, every filter applied by the database; `counts` cover the whole environment.
     */
    async list(a: Actor | null, input: ListResourcesInput): Promise<OperationResponse<'resources.list'>> {
      const scope = await environmentScope(ctx, a, input ?? {}, 'canViewResources');
      const q = parseInput(listResourcesQuerySchema, input);
      const page = openIdPage(q, 'resources', scope.environment.id);
      const rows = await ctx.storage.resources.listResources(
        scope.environment.id,
        {
          ...(q.type !== 'all' ? { type: q.type } : {}),
          ...(q.region !== undefined ? { region: q.region } : {}),
          ...(q.status !== undefined ? { status: q.status } : {}),
          ...(q.state !== undefined ? { state: q.state } : {}),
        },
        page.read,
      );
      const { items: filtered, nextCursor } = page.finish(rows);
      const counts = resourceCounts(await ctx.storage.resources.countResourcesByType(scope.environment.id));
      const data = filtered.map((r) => serializeResource(r, scope.project, scope.environment));
      return {
        message: 'Project resources retrieved successfully',
        project: scopeRef(scope.project),
        filters: { type: q.type, environment: scope.environment.slug, region: q.region ?? null, status: q.status ?? null, state: q.state ?? null },
        counts,
        count: data.length,
        data,
        nextCursor,
      };
    },

    /** GET …/resources/:resourceId — `canViewResources`. */
    async get(a: Actor | null, input: ResourceInput): Promise<OperationResponse<'resources.get'>> {
      const { scope, resource } = await findResource(a, input, 'canViewResources');
      return { message: 'Resource retrieved successfully', data: serializeResource(resource, scope.project, scope.environment) };
    },

    /** PUT …/resources/:resourceId/sync — `canUpdateResources`. */
    async sync(a: Actor | null, input: ResourceInput): Promise<OperationResponse<'resources.sync'>> {
      const { scope, resource } = await findResource(a, input, 'canUpdateResources');
      if (resource.resourceType !== 'dns') throw precondition.syncNotSupported(resource.resourceType);
      const op = DNS_OPERATION.sync;
      const zone = await openZone(ctx, scope.project, resource, op);
      const refreshed = await withZoneLock(ctx, resource, op, () =>
        callProvider(op, zone.meta.provider, async () => {
          const info = await zone.session.getZone(zone.info.hostedZoneId).catch((e: unknown) => {
            if (isProviderCallError(e) && e.kind === 'not-found') return null;
            throw e;
          });
          if (!info) {
            // Forget it under the lock, so no record write slips in between.
            await forget(resource);
            return null;
          }
          const managed = await managedSetKeys(ctx, resource.id);
          const intents = await createIntents(ctx, resource.id);
          const sets: StoredRecordSet[] = [];
          for await (const rs of zone.session.listRecordSets(info)) {
            if (rs.type === 'NS' || rs.type === 'SOA') continue;
            const key = setKey(rs.name, rs.type);
            sets.push(toStored(rs, isOurs(rs, managed.has(key), intents.get(key))));
          }
          // The fresh copy settles every note: what the provider holds now says which were ours.
          await ctx.storage.transaction(async (tx) => {
            await tx.dnsRecords.replaceRecordSets(resource.id, sets, ctx.clock.now());
            await tx.dnsRecords.settleCreateIntents(resource.id, [...intents.values()]);
          });
          return info;
        }),
      );
      if (!refreshed) {
        throw notFound.dnsZoneInProvider(zone.meta.hostedZoneId, zone.meta.provider, {
          id: resource.id,
          resourceId: resource.resourceId,
          status: 'deleted',
          synced: true,
        });
      }
      // Interrupted zone creates through this link left zones nothing records: a sync is where they are found.
      if (zone.meta.provider === 'route53' && scope.project.connectedCloudId !== null) {
        await reconcileStaleZoneNotes(ctx, zone.session, scope.project.connectedCloudId);
      }
      const domainChecked = await checkedDomain(ctx, resource.id, zone.meta.domainName);
      const dnsActive = await verificationPresent(ctx, `${VERIFICATION_LABEL}.${domainChecked}`);
      const now = ctx.clock.now();
      await ctx.storage.transaction(async (tx) => {
        await tx.resources.updateResource(resource.id, { metadata: { ...resource.metadata, nameServers: [...refreshed.nameServers], dns_active: dnsActive } }, now);
        await recordAudit(tx, ctx, a ?? { kind: 'host' }, {
          workspaceId: scope.workspace.id,
          operation: 'resources.sync',
          targets: { projectId: scope.project.id, environmentId: scope.environment.id, zoneId: resource.id },
          detail: { provider: zone.meta.provider, dnsActive },
        });
      });
      ctx.events.emit({ type: 'dns.changed', workspaceId: scope.workspace.id, zoneId: resource.id, kind: 'zone_synced' });
      return {
        message: dnsActive ? 'DNS verified (Gateways TXT record present)' : 'DNS not verified (Gateways TXT record not found)',
        data: { id: resource.id, resourceId: resource.resourceId, dns_active: dnsActive, domainChecked, syncedAt: now.toISOString() },
      };
    },

    /** DELETE …/resources/:resourceId?deleteFromCloud= — `canDeleteResources`. */
    delete: (async (a: Actor | null, input: DeleteResourceInput): Promise<OperationResponse<'resources.delete'>> => {
      const { scope, resource } = await findResource(a, input, 'canDeleteResources');
      const fromCloud = parseQueryBoolean(input?.deleteFromCloud, 'deleteFromCloud') ?? true;
      const { dryRun } = parseWriteOptions(input);
      if (dryRun) {
        // A zone delete is planned; other resources' deletes (and their disconnects) are not (yet).
        if (resource.resourceType !== 'dns') throw invalidField('dryRun', 'only the delete of a DNS zone can be planned');
        // deleteFromCloud=false touches no provider: no record change.
        if (!fromCloud) return dryRunAnswer(emptyPlan(ctx));
        const op = DNS_OPERATION.deleteZone;
        const zone = await openZone(ctx, scope.project, resource, op);
        return dryRunAnswer(await withZoneLock(ctx, resource, op, (current) => callProvider(op, zone.meta.provider, () => planZoneDelete(zone, current))));
      }
      if (resource.resourceType === 'dns') {
        const op = DNS_OPERATION.deleteZone;
        const zone = fromCloud ? await openZone(ctx, scope.project, resource, op) : null;
        await withZoneLock(ctx, resource, op, async (current) => {
          if (zone) {
            // Connections first (their records, exactly), then what else is ours: every step can run again.
            await disconnectConnections(ctx, zone, current.id, await ctx.storage.resourceConnections.listConnectionsOfZone(current.id), op);
            const ownZone = isOwnZone(zone, current);
            await callProvider(op, zone.meta.provider, () => (ownZone ? emptyOwnZone(zone) : removeOurSets(zone, current.id)));
          }
          await forget(current);
        });
        ctx.events.emit({ type: 'dns.changed', workspaceId: scope.workspace.id, zoneId: resource.id, kind: 'zone_deleted' });
      } else {
        await removeResource(ctx, scope, resource, fromCloud);
        if (resource.resourceType === 'subdomain' && resource.parentResourceId !== null) {
          ctx.events.emit({ type: 'dns.changed', workspaceId: scope.workspace.id, zoneId: resource.parentResourceId, kind: 'subdomain_deleted', resourceId: resource.id });
        }
      }
      return { message: 'Resource deleted successfully', data: { id: resource.id, resourceType: resource.resourceType } };
    }) as DryRunnable<DeleteResourceInput, OperationResponse<'resources.delete'>>,
  };
}

/**
 * The name sync checks (see docs/resources.md#sync-and-zone-delete): the subdomain of the zone's
 * first active connection (lowest id), else the zone's own domain.
 */
async function checkedDomain(ctx: EngineContext, zoneId: number, apex: string): Promise<string> {
  const first = (await ctx.storage.resourceConnections.listConnectionsOfZone(zoneId)).find((c) => c.status === 'active');
  const subdomain = first ? await ctx.storage.resources.getResourceById(first.sourceResourceId) : null;
  return subdomain?.domainName ?? apex;
}

/** `dns_active`: some TXT record at `name` whose joined strings equal `installed`; any failure → false. */
async function verificationPresent(ctx: EngineContext, name: string): Promise<boolean> {
  const resolver = ctx.providers.resolver;
  if (!resolver) return false;
  try {
    const records = await resolver.resolveTxt(name);
    return records.some((strings) => strings.join('') === VERIFICATION_TEXT);
  } catch (e) {
    ctx.logger.warn({ name, err: e instanceof Error ? e.message : String(e) }, 'TXT lookup failed');
    return false;
  }
}
