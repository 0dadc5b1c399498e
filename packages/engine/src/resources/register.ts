import { environmentScope } from '../access/index.js';
import { recordAudit } from '../audit/index.js';
import { assertWithinLimit } from '../admin/limits.js';
import type { EngineContext } from '../context.js';
import { serializeResource } from '../dns/serialize.js';
import type { EnvironmentPath } from '../dns/zones.js';
import { notFound } from '../errors/index.js';
import type { Actor } from '../ports/runtime.js';
import { parseInput } from '../validation/index.js';
import type { DnsTarget } from './dns-target.js';
import { registerResourceBodySchema, type RegisterResourceBody } from './schemas.js';
import type { OperationResponse } from '../responses/operations.js';

export type RegisterResourceInput = EnvironmentPath & RegisterResourceBody;

/** A host resource's stored `metadata`: the host's own keys plus the normalised `dnsTarget` (or null). */
export function hostResourceMetadata(hostMetadata: Readonly<Record<string, unknown>>, dnsTarget: DnsTarget | null): Record<string, unknown> {
  return { ...hostMetadata, dnsTarget };
}

/** The `resources` services for the host's own resources (see docs/resources.md#host-resources). */
export function createHostResourceServices(ctx: EngineContext) {
  return {
    /** POST …/resources — `canRegisterResources`. */
    async register(actor: Actor | null, input: RegisterResourceInput): Promise<OperationResponse<'resources.register'>> {
      const scope = await environmentScope(ctx, actor, input ?? {}, 'canRegisterResources');
      const { workspace, project, environment, user } = scope;
      const body = parseInput(registerResourceBodySchema, input);
      const limits = await ctx.limits.limitsFor(workspace.id);
      assertWithinLimit(limits, 'max_resources', await ctx.storage.resources.countResources({ workspaceId: workspace.id }));
      assertWithinLimit(limits, 'max_resources_per_project', await ctx.storage.resources.countResources({ projectId: project.id }));
      const created = await ctx.storage.transaction(async (tx) => {
        await tx.lockWorkspace(workspace.id);
        assertWithinLimit(limits, 'max_resources', await tx.resources.countResources({ workspaceId: workspace.id }));
        assertWithinLimit(limits, 'max_resources_per_project', await tx.resources.countResources({ projectId: project.id }));
        // The link as it stands under the lock: an unlink or a connection delete either ran before
        // (and we record no link) or waits for us (and then sees this resource and refuses).
        const current = await tx.projects.getProjectById(project.id);
        if (!current || !current.isActive) throw notFound.project();
        const resource = await tx.resources.createResource({
          workspaceId: workspace.id,
          projectId: project.id,
          environmentId: environment.id,
          cloudConnectionId: current.connectedCloudId,
          resourceType: body.resourceType,
          resourceId: body.providerResourceId ?? null,
          name: body.name,
          region: body.region ?? null,
          status: body.status,
          domainName: null,
          metadata: hostResourceMetadata(body.metadata ?? {}, body.dnsTarget ?? null),
          secretData: null,
          positionX: body.positionX ?? null,
          positionY: body.positionY ?? null,
          createdBy: user.id,
          now: ctx.clock.now(),
        });
        await recordAudit(tx, ctx, actor ?? { kind: 'host' }, {
          workspaceId: workspace.id,
          operation: 'resources.register',
          targets: { projectId: project.id, environmentId: environment.id, resourceId: resource.id, ...(current.connectedCloudId === null ? {} : { connectionId: current.connectedCloudId }) },
          detail: { resourceType: body.resourceType },
        });
        return resource;
      });
      return { message: 'Resource registered successfully', data: serializeResource(created, project, environment) };
    },
  };
}
