import type { EnvironmentScope } from '../../access/index.js';
import type { EngineContext } from '../../context.js';
import type { Resource } from '../../domain/records.js';
import { forbidden } from '../../errors/index.js';
import { recordMutationEntry } from '../../audit/scope.js';
import { disconnectResource, zoneOfSubdomain } from './lifecycle.js';
import { isHostResourceType } from '../catalogue.js';

/**
 * Deleting a subdomain or a host resource (see docs/resources.md): its resource connections are
 * disconnected first (with `fromCloud`, their records leave the provider; without, the database
 * only), then the resource is soft-deleted. A host resource itself is never touched at any provider.
 */

/** Soft-delete a subdomain or host resource, with the request's audit entry in the same transaction. */
function softDeleteWithEntry(ctx: EngineContext, resource: Resource): Promise<void> {
  return ctx.storage.transaction(async (tx) => {
    await tx.resources.softDeleteResource(resource.id, ctx.clock.now());
    await recordMutationEntry(tx, ctx, { resourceId: resource.id });
  });
}

/** A subdomain: disconnected and soft-deleted under its zone's lock, so no connect slips in between. */
export async function removeSubdomain(ctx: EngineContext, scope: EnvironmentScope, subdomain: Resource, fromCloud: boolean): Promise<void> {
  const softDelete = () => softDeleteWithEntry(ctx, subdomain);
  const zone = await zoneOfSubdomain(ctx, subdomain);
  if (!zone) {
    // The zone was forgotten already (it takes its subdomains with it): nothing left at any provider.
    await disconnectResource(ctx, scope.project, subdomain, false);
    await softDelete();
    return;
  }
  await disconnectResource(ctx, scope.project, subdomain, fromCloud, { zone, run: softDelete });
}

/**
 * `DELETE …/resources/:resourceId` for every type but `dns`: subdomains as above; host resources
 * need `canRegisterResources` besides `canDeleteResources`.
 */
export async function removeResource(ctx: EngineContext, scope: EnvironmentScope, resource: Resource, fromCloud: boolean): Promise<void> {
  if (resource.resourceType === 'subdomain') return removeSubdomain(ctx, scope, resource, fromCloud);
  if (isHostResourceType(resource.resourceType) && !(await ctx.access.can(scope.member, 'canRegisterResources'))) {
    throw forbidden.permission('canRegisterResources');
  }
  await disconnectResource(ctx, scope.project, resource, fromCloud);
  await softDeleteWithEntry(ctx, resource);
  // A connect that read the resource before the soft delete has stored its row by now (it checks
  // the target again after storing it, and gives up when it is gone): disconnect that one too.
  await disconnectResource(ctx, scope.project, resource, fromCloud);
}
