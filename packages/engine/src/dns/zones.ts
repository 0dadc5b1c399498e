import { environmentScope, type EnvironmentScope } from '../access/index.js';
import { recordAudit } from '../audit/index.js';
import { assertScopeStillActive } from '../admin/scope-guard.js';
import { assertWithinLimit } from '../admin/limits.js';
import type { EngineContext } from '../context.js';
import type { CloudConnection, Resource } from '../domain/records.js';
import { conflict, invalidField, invalidId, notFound, precondition } from '../errors/index.js';
import type { DnsSession, ZoneInfo } from '../ports/dns.js';
import { isProviderCallError } from '../ports/provider-error.js';
import type { Actor } from '../ports/runtime.js';
import { isStorageConflict, type ZoneIntent } from '../ports/storage.js';
import { parseInput, parsePathId } from '../validation/index.js';
import {
  DNS_OPERATION,
  dnsProviderOfCloud,
  isUsableConnection,
  LINKED_CLOUD,
  linkedAuth,
  mapProviderError,
  requireDnsProvider,
  RESOURCE_SECRET_AAD,
  zoneBusy,
  type LinkedDnsProviderId,
} from './provider-access.js';
import { createZoneBodySchema, type CreateZoneBody } from './schemas.js';
import { openNotedRoute53Zone, openZoneByName } from './zone-intents.js';
import { scopeRef, serializeZone, type ZoneMetadata } from './serialize.js';
import { listPageQuerySchema, openIdPage } from '../pagination/index.js';
import type { ListPageQuery } from '../admin/schemas.js';
import type { OperationResponse } from '../responses/operations.js';

/** Path params shared by every environment-scoped route. */
export interface EnvironmentPath {
  readonly projectSlug: string;
  readonly environmentSlug: string;
}
export type CreateZoneInput = EnvironmentPath & CreateZoneBody;
export type ListZonesInput = EnvironmentPath & ListPageQuery;
export interface GetZoneInput extends EnvironmentPath {
  readonly id: string | number;
}

/** Step 7–8 of the environment pipeline: `:id` format, then the zone within this project and environment. */
export async function findZone(ctx: EngineContext, scope: EnvironmentScope, rawId: unknown): Promise<Resource> {
  const id = parsePathId(rawId, invalidId.dnsZone);
  const zone = await ctx.storage.resources.getResource({ projectId: scope.project.id, environmentId: scope.environment.id }, id);
  if (!zone || zone.resourceType !== 'dns') throw notFound.dnsZone();
  return zone;
}

type Target = { provider: LinkedDnsProviderId; connection: CloudConnection } | { provider: 'cloudflare'; apiToken: string };

/**
 * Provider selection of `POST …/dns` (docs/records.md#zones): a Cloudflare token → Cloudflare; else
 * `native` takes the provider of the linked connection's cloud (AWS → Route 53, GCP → Cloud DNS,
 * Azure → Azure DNS), and an explicit provider needs a link of its cloud.
 */
async function selectProvider(ctx: EngineContext, scope: EnvironmentScope, body: { provider: string; cloudflareApiToken?: string | undefined }): Promise<Target> {
  const { project } = scope;
  const token = body.cloudflareApiToken;
  if (body.provider === 'cloudflare' || (body.provider === 'native' && token !== undefined)) {
    return { provider: 'cloudflare', apiToken: token as string };
  }
  const linked = project.connectedCloudId === null ? null : await ctx.storage.connections.getConnectionById(project.connectedCloudId);
  if (body.provider === 'native') {
    const provider = linked === null ? null : dnsProviderOfCloud(linked.provider);
    if (provider !== null && isUsableConnection(linked, project.workspaceId, LINKED_CLOUD[provider])) return { provider, connection: linked as CloudConnection };
    throw precondition.dnsProviderRequired();
  }
  const provider = body.provider as LinkedDnsProviderId;
  if (project.connectedCloudId === null) throw precondition.noCloudConnection();
  if (linked !== null && linked.provider !== LINKED_CLOUD[provider]) throw precondition.dnsProviderRequired();
  if (!isUsableConnection(linked, project.workspaceId, LINKED_CLOUD[provider])) throw precondition.connectionNotActive();
  return { provider, connection: linked };
}

export function createZoneServices(ctx: EngineContext) {
  /** Best effort: remove a Route 53 zone we just created but may not keep. */
  async function discardZone(session: DnsSession, zone: ZoneInfo): Promise<void> {
    try {
      await session.deleteZone(zone);
    } catch (e) {
      ctx.logger.error({ hostedZoneId: zone.hostedZoneId, err: isProviderCallError(e) ? e.message : String(e) }, 'could not delete a Route 53 zone after a failed insert');
    }
  }

  return {
    /** POST …/dns — `canCreateResources`. */
    async createZone(actor: Actor | null, input: CreateZoneInput): Promise<OperationResponse<'dns.createZone'>> {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canCreateResources');
      const { workspace, project, environment, user } = scope;
      const body = parseInput(createZoneBodySchema, input);
      const target = await selectProvider(ctx, scope, body);
      const limits = await ctx.limits.limitsFor(workspace.id);
      assertWithinLimit(limits, 'max_resources', await ctx.storage.resources.countResources({ workspaceId: workspace.id }));
      assertWithinLimit(limits, 'max_resources_per_project', await ctx.storage.resources.countResources({ projectId: project.id }));
      if (await ctx.storage.resources.dnsDomainTaken(environment.id, body.domainName)) throw conflict.dnsZoneExists(body.domainName);

      const provider = requireDnsProvider(ctx, target.provider);
      let session: DnsSession;
      let zone: ZoneInfo;
      /** Route 53 only: the note of the caller reference, settled when the zone is recorded. */
      let note: ZoneIntent | null = null;
      /** A Route 53 zone that existed before this create (docs/records.md#adopting-an-existing-hosted-zone): never ours to delete. */
      let adopted = false;
      if (target.provider !== 'route53' && body.hostedZoneId !== undefined) throw invalidField('hostedZoneId', 'applies only to Route 53 zones');
      if (target.provider !== 'azuredns' && body.azureResourceGroup !== undefined) throw invalidField('azureResourceGroup', 'applies only to Azure DNS zones');
      const azureResourceGroup = target.provider === 'azuredns' ? (body.azureResourceGroup ?? ctx.config.dns.azureResourceGroup) : undefined;
      try {
        if (target.provider === 'route53') {
          session = provider.session({ provider: 'route53', credentials: await ctx.awsSessions.credentialsFor(target.connection) });
          ({ zone, note, adopted } = await openNotedRoute53Zone(ctx, session, {
            scope,
            connectionId: target.connection.id,
            domainName: body.domainName,
            comment: body.comment,
            hostedZoneId: body.hostedZoneId,
          }));
        } else if (target.provider === 'cloudflare') {
          // Cloudflare only imports an existing zone: nothing to leave behind, nothing to note.
          session = provider.session({ provider: 'cloudflare', apiToken: target.apiToken });
          zone = await session.createOrImportZone({ domainName: body.domainName, callerReference: `cloudlink-${ctx.random.uuid()}` });
        } else {
          session = provider.session(await linkedAuth(ctx, target.provider, target.connection, DNS_OPERATION.createZone, azureResourceGroup ?? ''));
          ({ zone, adopted } = await openZoneByName(session, { domainName: body.domainName, callerReference: `cloudlink-${ctx.random.uuid()}`, comment: body.comment }));
        }
      } catch (e) {
        if (isProviderCallError(e) && target.provider === 'cloudflare' && e.kind === 'not-found') throw notFound.cloudflareZone(body.domainName);
        if (isProviderCallError(e) && body.hostedZoneId !== undefined && e.kind === 'not-found') throw notFound.hostedZone(body.hostedZoneId);
        // The only thing an Azure DNS zone create can miss is its resource group: the caller's to fix.
        if (isProviderCallError(e) && target.provider === 'azuredns' && e.kind === 'not-found') {
          throw invalidField('azureResourceGroup', `resource group ${azureResourceGroup} does not exist in the linked subscription`);
        }
        throw mapProviderError(e, DNS_OPERATION.createZone, target.provider);
      }

      const metadata: ZoneMetadata = {
        provider: target.provider,
        domainName: body.domainName,
        hostedZoneId: zone.hostedZoneId,
        nameServers: [...zone.nameServers],
        // Only a zone created here was given the comment (Azure DNS zones have no description).
        comment: (target.provider === 'route53' || target.provider === 'clouddns') && !adopted ? (body.comment ?? null) : null,
        dns_active: false,
        adopted,
        ...(azureResourceGroup !== undefined ? { azureResourceGroup } : {}),
      };
      let created: Resource;
      try {
        created = await ctx.storage.transaction(async (tx) => {
          await tx.lockWorkspace(workspace.id);
          await assertScopeStillActive(tx, project, environment);
          assertWithinLimit(limits, 'max_resources', await tx.resources.countResources({ workspaceId: workspace.id }));
          assertWithinLimit(limits, 'max_resources_per_project', await tx.resources.countResources({ projectId: project.id }));
          if (target.provider !== 'cloudflare') {
            // The link may have changed while the provider call ran (unlink, connection delete).
            const current = await tx.projects.getProjectById(project.id);
            if (!current || current.connectedCloudId === null) throw precondition.noCloudConnection();
            const connection = await tx.connections.getConnectionById(current.connectedCloudId);
            if (current.connectedCloudId !== target.connection.id || !isUsableConnection(connection, workspace.id, LINKED_CLOUD[target.provider])) {
              throw precondition.connectionNotActive();
            }
          }
          // The note gone means another request owns this zone's outcome: a concurrent create of the
          // domain recorded it, or a sync is removing it as abandoned. Either way it is not ours to record.
          if (note && !(await tx.resources.settleZoneIntent(note.id))) {
            if (await tx.resources.dnsDomainTaken(environment.id, body.domainName)) throw conflict.dnsZoneExists(body.domainName);
            throw zoneBusy(DNS_OPERATION.createZone);
          }
          const zoneResource = await tx.resources.createResource({
            workspaceId: workspace.id,
            projectId: project.id,
            environmentId: environment.id,
            cloudConnectionId: target.provider === 'cloudflare' ? null : target.connection.id,
            resourceType: 'dns',
            resourceId: zone.hostedZoneId,
            name: body.name,
            region: 'global',
            status: 'active',
            domainName: body.domainName,
            metadata: { ...metadata },
            secretData: target.provider === 'cloudflare' ? ctx.secrets.seal(target.apiToken, RESOURCE_SECRET_AAD) : null,
            positionX: body.positionX ?? null,
            positionY: body.positionY ?? null,
            createdBy: user.id,
            now: ctx.clock.now(),
          });
          // Never the Cloudflare token: the provider, the domain and whether it was adopted.
          await recordAudit(tx, ctx, actor ?? { kind: 'host' }, {
            workspaceId: workspace.id,
            operation: 'dns.createZone',
            targets: { projectId: project.id, environmentId: environment.id, zoneId: zoneResource.id, ...(target.provider === 'cloudflare' ? {} : { connectionId: target.connection.id }) },
            detail: { provider: target.provider, domainName: body.domainName, adopted },
          });
          return zoneResource;
        });
      } catch (e) {
        // Only a zone we created is ours to remove (an imported Cloudflare zone stays as it was), and
        // only while its note is still ours to settle: a concurrent create of the same domain shares
        // the note's caller reference, so it may have recorded this very zone. A Cloud DNS or Azure DNS
        // zone (no note) stays too: another create of the domain gets the same zone by name and may
        // have recorded it; an empty zone left behind is what the next create of the domain takes.
        if (note && (await ctx.storage.resources.settleZoneIntent(note.id)) && !adopted) await discardZone(session, zone);
        if (isStorageConflict(e, 'resources.domain_name')) throw conflict.dnsZoneExists(body.domainName);
        throw e;
      }
      ctx.events.emit({ type: 'dns.changed', workspaceId: workspace.id, zoneId: created.id, kind: 'zone_created' });
      return {
        message: 'DNS hosted zone created successfully',
        data: { ...serializeZone(created), project: scopeRef(project), environment: scopeRef(environment) },
      };
    },

    /** GET …/dns — `canViewResources`: active zones of the environment, `id` ascending, one page (`limit`, `cursor`). */
    async listZones(actor: Actor | null, input: ListZonesInput): Promise<OperationResponse<'dns.listZones'>> {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canViewResources');
      const page = openIdPage(parseInput(listPageQuerySchema, input), 'zones', scope.environment.id);
      const { items, nextCursor } = page.finish(await ctx.storage.resources.listResources(scope.environment.id, { type: 'dns' }, page.read));
      const data = items.map(serializeZone);
      return { message: 'DNS zones retrieved successfully', count: data.length, data, nextCursor };
    },

    /** GET …/dns/:id — `canViewResources`. */
    async getZone(actor: Actor | null, input: GetZoneInput): Promise<OperationResponse<'dns.getZone'>> {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canViewResources');
      const zone = await findZone(ctx, scope, input?.id);
      return { message: 'DNS zone retrieved successfully', data: serializeZone(zone) };
    },
  };
}
