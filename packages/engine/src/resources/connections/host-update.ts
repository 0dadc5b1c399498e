import { recordMutationEntry } from '../../audit/scope.js';
import { z } from 'zod';
import { environmentScope } from '../../access/index.js';
import type { EngineContext } from '../../context.js';
import type { Resource } from '../../domain/records.js';
import { checkPositionPair } from '../../dns/schemas.js';
import { serializeResource } from '../../dns/serialize.js';
import type { EnvironmentPath } from '../../dns/zones.js';
import { conflict, invalidField, invalidId, notFound, precondition } from '../../errors/index.js';
import type { Actor } from '../../ports/runtime.js';
import type { ResourcePatch } from '../../ports/storage.js';
import { parseInput, parsePathId, parseQueryBoolean } from '../../validation/index.js';
import { canBeDnsTarget, isHostResourceType } from '../catalogue.js';
import { hostResourceMetadata } from '../register.js';
import { hostResourceFields, RESERVED_METADATA_KEYS } from '../schemas.js';
import { findSubdomain, type SubdomainInput } from '../subdomains.js';
import { checkRepoint, repointTargetConnections } from './lifecycle.js';
import { removeSubdomain } from './removal.js';
import type { OperationResponse } from '../../responses/operations.js';

/** `PATCH …/resources/:resourceId` body: any of the register fields but the type (see docs/resources.md#host-resources). */
export const updateResourceBodySchema = z
  .object({
    name: hostResourceFields.name.optional(),
    providerResourceId: hostResourceFields.providerResourceId.nullable().optional(),
    region: hostResourceFields.region.nullable().optional(),
    status: hostResourceFields.status.optional(),
    dnsTarget: hostResourceFields.dnsTarget.nullable().optional().describe('null clears it (409 `Resource in use` while a connection targets the resource)'),
    metadata: hostResourceFields.metadata.optional().describe("Replaces the host's metadata"),
    positionX: hostResourceFields.positionX,
    positionY: hostResourceFields.positionY,
  })
  .superRefine(checkPositionPair);
export type UpdateResourceBody = z.input<typeof updateResourceBodySchema>;

export type UpdateResourceInput = EnvironmentPath & { readonly resourceId: string | number } & UpdateResourceBody;
export type DeleteSubdomainInput = SubdomainInput & { readonly deleteFromCloud?: string | boolean };

/** The host's own keys of a stored host resource's metadata (without the engine's). */
function hostMetadataOf(r: Resource): Record<string, unknown> {
  const out: Record<string, unknown> = { ...r.metadata };
  for (const key of RESERVED_METADATA_KEYS) delete out[key];
  return out;
}

/** `resources.update` (PATCH of a host resource) and `subdomains.delete`: the changes that reach resource connections. */
export function createHostResourceUpdateServices(ctx: EngineContext) {
  return {
    /**
     * PATCH …/resources/:resourceId — `canRegisterResources`. A changed `dnsTarget` re-points every
     * connection targeting the resource (per zone, one batch); the row is written first, so a retry
     * of the same PATCH finishes a re-point a provider failure cut short.
     */
    async update(actor: Actor | null, input: UpdateResourceInput): Promise<OperationResponse<'resources.update'>> {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canRegisterResources');
      const id = parsePathId(input?.resourceId, invalidId.resource);
      const resource = await ctx.storage.resources.getResource({ projectId: scope.project.id, environmentId: scope.environment.id }, id);
      if (!resource) throw notFound.resource();
      if (!isHostResourceType(resource.resourceType)) throw precondition.resourceNotRegistrable(resource.resourceType);
      const body = parseInput(updateResourceBodySchema, input);
      if (body.dnsTarget && !canBeDnsTarget(resource.resourceType)) throw invalidField('dnsTarget', `a ${resource.resourceType} cannot be a DNS target`);
      const targeted = (await ctx.storage.resourceConnections.listConnectionsOfResource(id)).some((c) => c.targetResourceId === id);
      if (body.dnsTarget === null && targeted) throw conflict.resourceInUse(id);

      const dnsTarget = body.dnsTarget !== undefined ? body.dnsTarget : (resource.metadata.dnsTarget ?? null);
      const metadata = hostResourceMetadata(body.metadata ?? hostMetadataOf(resource), dnsTarget as Parameters<typeof hostResourceMetadata>[1]);
      const patch: ResourcePatch = {
        metadata,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.providerResourceId !== undefined ? { resourceId: body.providerResourceId } : {}),
        ...(body.region !== undefined ? { region: body.region } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
        ...(body.positionX !== undefined ? { positionX: body.positionX, positionY: body.positionY ?? null } : {}),
      };
      // Every connection must be rebuildable from the new target before anything changes (400 otherwise).
      if (body.dnsTarget !== undefined && targeted) await checkRepoint(ctx, { ...resource, metadata });
      const updated = await ctx.storage.transaction(async (tx) => {
        const row = await tx.resources.updateResource(id, patch, ctx.clock.now());
        await recordMutationEntry(tx, ctx, { resourceId: id });
        return row;
      });
      if (body.dnsTarget !== undefined && targeted) await repointTargetConnections(ctx, scope.project, updated);
      return { message: 'Resource updated successfully', data: serializeResource(updated, scope.project, scope.environment) };
    },

    /** DELETE …/subdomains/:id?deleteFromCloud= — `canDeleteResources`: disconnect, then soft-delete. */
    async deleteSubdomain(actor: Actor | null, input: DeleteSubdomainInput): Promise<OperationResponse<'subdomains.delete'>> {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canDeleteResources');
      const sub = await findSubdomain(ctx, scope, input?.id);
      const fromCloud = parseQueryBoolean(input?.deleteFromCloud, 'deleteFromCloud') ?? true;
      await removeSubdomain(ctx, scope, sub, fromCloud);
      return { message: 'Subdomain deleted successfully', data: { id: sub.id } };
    },
  };
}
