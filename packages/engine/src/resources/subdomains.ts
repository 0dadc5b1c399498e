import { environmentScope, type EnvironmentScope } from '../access/index.js';
import { recordAudit } from '../audit/index.js';
import { assertWithinLimit } from '../admin/limits.js';
import type { EngineContext } from '../context.js';
import type { Resource, ResourceConnection } from '../domain/records.js';
import { DNS_OPERATION, withZoneLock } from '../dns/provider-access.js';
import { normalizeRecordName, relativeName, withoutRootDot } from '../dns/records/names.js';
import { zoneMetadata } from '../dns/serialize.js';
import type { EnvironmentPath } from '../dns/zones.js';
import { conflict, invalidField, invalidId, notFound } from '../errors/index.js';
import { openIdPage } from '../pagination/index.js';
import type { Actor } from '../ports/runtime.js';
import { isStorageConflict } from '../ports/storage.js';
import { parseInput, parsePathId } from '../validation/index.js';
import { createSubdomainBodySchema, listSubdomainsQuerySchema, type CreateSubdomainBody, type ListSubdomainsQuery } from './schemas.js';
import { connectionOfSubdomain, serializeSubdomain } from './subdomain-object.js';
import { VERIFICATION_LABEL } from './connections/records.js';
import type { OperationResponse } from '../responses/operations.js';

export type CreateSubdomainInput = EnvironmentPath & CreateSubdomainBody;
export type ListSubdomainsInput = EnvironmentPath & ListSubdomainsQuery;
export interface SubdomainInput extends EnvironmentPath {
  readonly id: string | number;
}

/** Rows read per page while looking for a duplicate name. */
const SCAN_PAGE = 1000;

/** An active zone (dns resource) of the scope's environment, else 404 `DNS zone not found`. */
async function zoneInScope(ctx: EngineContext, scope: EnvironmentScope, id: number): Promise<Resource> {
  const zone = await ctx.storage.resources.getResource({ projectId: scope.project.id, environmentId: scope.environment.id }, id);
  if (!zone || zone.resourceType !== 'dns') throw notFound.dnsZone();
  return zone;
}

/** Step 7–8 of the environment pipeline for `/subdomains/:id`: the id's format, then the subdomain in this environment. */
export async function findSubdomain(ctx: EngineContext, scope: EnvironmentScope, rawId: unknown): Promise<Resource> {
  const id = parsePathId(rawId, invalidId.subdomain);
  const sub = await ctx.storage.resources.getResource({ projectId: scope.project.id, environmentId: scope.environment.id }, id);
  if (!sub || sub.resourceType !== 'subdomain') throw notFound.subdomain();
  return sub;
}

/**
 * A subdomain's name in `zoneDomain` by the record model's name rules (docs/records.md#record-names):
 * `name` relative to the zone (`@` at the apex), `fqdn` without the final dot. Names with the
 * verification label are refused: a connection writes its TXT there.
 */
export function subdomainName(input: string, zoneDomain: string): { name: string; fqdn: string } {
  const r = normalizeRecordName(input, zoneDomain);
  if (!r.ok) throw invalidField('name', r.problem);
  const name = relativeName(r.fqdn, zoneDomain);
  if (name.split('.').includes(VERIFICATION_LABEL)) throw invalidField('name', `the label ${VERIFICATION_LABEL} is reserved for verification records`);
  return { name, fqdn: withoutRootDot(r.fqdn) };
}

export function createSubdomainServices(ctx: EngineContext) {
  /** Whether the zone has an active subdomain with this FQDN; the unique index has the last word. */
  async function subdomainTaken(environmentId: number, zoneId: number, fqdn: string): Promise<boolean> {
    for (let after: number | undefined; ; ) {
      const rows = await ctx.storage.resources.listResources(environmentId, { type: 'subdomain', parentResourceId: zoneId }, after === undefined ? { limit: SCAN_PAGE } : { after, limit: SCAN_PAGE });
      if (rows.some((r) => r.domainName === fqdn)) return true;
      if (rows.length < SCAN_PAGE) return false;
      after = rows[rows.length - 1]?.id;
    }
  }

  /** Subdomain objects of `subs`: each zone read once, and each zone's connections in one query. */
  async function describe(scope: EnvironmentScope, subs: readonly Resource[]) {
    const zoneIds = [...new Set(subs.map((s) => s.parentResourceId).filter((id): id is number => id !== null))];
    const zones = new Map<number, Resource>();
    const connections: ResourceConnection[] = [];
    for (const id of zoneIds) {
      const zone = await ctx.storage.resources.getResource({ projectId: scope.project.id, environmentId: scope.environment.id }, id);
      if (zone) zones.set(id, zone);
      connections.push(...(await ctx.storage.resourceConnections.listConnectionsOfZone(id)));
    }
    return subs.map((s) => serializeSubdomain(s, s.parentResourceId === null ? null : (zones.get(s.parentResourceId) ?? null), connectionOfSubdomain(s.id, connections)));
  }

  return {
    /** POST …/subdomains — `canCreateResources`. */
    async create(actor: Actor | null, input: CreateSubdomainInput): Promise<OperationResponse<'subdomains.create'>> {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canCreateResources');
      const { workspace, project, environment, user } = scope;
      const body = parseInput(createSubdomainBodySchema, input);
      const zone = await zoneInScope(ctx, scope, body.zoneId);
      const { name, fqdn } = subdomainName(body.name, zoneMetadata(zone).domainName);
      const limits = await ctx.limits.limitsFor(workspace.id);
      if (await subdomainTaken(environment.id, zone.id, fqdn)) throw conflict.subdomainExists(fqdn);
      assertWithinLimit(limits, 'max_resources', await ctx.storage.resources.countResources({ workspaceId: workspace.id }));
      assertWithinLimit(limits, 'max_resources_per_project', await ctx.storage.resources.countResources({ projectId: project.id }));
      // Under the zone's lock, a zone delete (which forgets its subdomains) cannot run between the
      // zone's re-read and the insert: a subdomain never outlives its zone.
      const created = await withZoneLock(ctx, zone, DNS_OPERATION.createSubdomain, async (current) => {
        try {
          return await ctx.storage.transaction(async (tx) => {
            await tx.lockWorkspace(workspace.id);
            assertWithinLimit(limits, 'max_resources', await tx.resources.countResources({ workspaceId: workspace.id }));
            assertWithinLimit(limits, 'max_resources_per_project', await tx.resources.countResources({ projectId: project.id }));
            const subdomain = await tx.resources.createResource({
              workspaceId: workspace.id,
              projectId: project.id,
              environmentId: environment.id,
              cloudConnectionId: null,
              resourceType: 'subdomain',
              resourceId: null,
              name,
              region: 'global',
              status: 'active',
              domainName: fqdn,
              parentResourceId: current.id,
              metadata: {},
              secretData: null,
              positionX: null,
              positionY: null,
              createdBy: user.id,
              now: ctx.clock.now(),
            });
            await recordAudit(tx, ctx, actor ?? { kind: 'host' }, {
              workspaceId: workspace.id,
              operation: 'subdomains.create',
              targets: { projectId: project.id, environmentId: environment.id, zoneId: current.id, resourceId: subdomain.id },
              detail: { domainName: fqdn },
            });
            return subdomain;
          });
        } catch (e) {
          if (isStorageConflict(e, 'resources.subdomain')) throw conflict.subdomainExists(fqdn);
          throw e;
        }
      });
      ctx.events.emit({ type: 'dns.changed', workspaceId: workspace.id, zoneId: zone.id, kind: 'subdomain_created', resourceId: created.id });
      return { message: 'Subdomain created successfully', data: serializeSubdomain(created, zone, null) };
    },

    /** GET …/subdomains — `canViewResources`: one page (`limit`, `cursor`), `id` ascending, optionally of one zone. */
    async list(actor: Actor | null, input: ListSubdomainsInput): Promise<OperationResponse<'subdomains.list'>> {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canViewResources');
      const q = parseInput(listSubdomainsQuerySchema, input);
      if (q.zoneId !== undefined) await zoneInScope(ctx, scope, q.zoneId);
      const page = openIdPage(q, 'subdomains', scope.environment.id);
      const filter = q.zoneId === undefined ? { type: 'subdomain' } : { type: 'subdomain', parentResourceId: q.zoneId };
      const { items, nextCursor } = page.finish(await ctx.storage.resources.listResources(scope.environment.id, filter, page.read));
      const data = await describe(scope, items);
      return { message: 'Subdomains retrieved successfully', count: data.length, data, nextCursor };
    },

    /** GET …/subdomains/:id — `canViewResources`. */
    async get(actor: Actor | null, input: SubdomainInput): Promise<OperationResponse<'subdomains.get'>> {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canViewResources');
      const sub = await findSubdomain(ctx, scope, input?.id);
      const zone = sub.parentResourceId === null ? null : await ctx.storage.resources.getResource({ projectId: scope.project.id, environmentId: scope.environment.id }, sub.parentResourceId);
      const connection = connectionOfSubdomain(sub.id, await ctx.storage.resourceConnections.listConnectionsOfResource(sub.id));
      return { message: 'Subdomain retrieved successfully', data: serializeSubdomain(sub, zone, connection) };
    },
  };
}
