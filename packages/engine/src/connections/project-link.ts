import { projectScope } from '../access/index.js';
import { recordAudit } from '../audit/index.js';
import { noteAuditTargets } from '../audit/scope.js';
import { projectObject } from '../admin/serialize.js';
import type { EngineContext } from '../context.js';
import { conflict, invalidId, notFound, precondition } from '../errors/index.js';
import type { Actor } from '../ports/runtime.js';
import { parsePathId } from '../validation/index.js';
import type { OperationResponse } from '../responses/operations.js';

export interface ConnectCloudInput {
  readonly projectSlug: string;
  readonly connectionId: string | number;
}
export interface DisconnectCloudInput {
  readonly projectSlug: string;
}

/**
 * `projects.{connectCloud, disconnectCloud}`. The resource check and the link change
 * run in one transaction under the workspace lock, so a zone insert cannot slip in between.
 */
export function createProjectLinkServices(ctx: EngineContext) {
  return {
    /** PATCH /api/projects/:projectSlug/connect-cloud/:connectionId — `canManageProjects`. */
    async connectCloud(actor: Actor | null, input: ConnectCloudInput): Promise<OperationResponse<'projects.connectCloud'>> {
      const { project, workspace } = await projectScope(ctx, actor, input?.projectSlug, 'canManageProjects');
      const connectionId = parsePathId(input?.connectionId, invalidId.connection);
      const connection = await ctx.storage.connections.getConnection(workspace.id, connectionId);
      if (!connection) throw notFound.connection();
      noteAuditTargets({ connectionId });
      if (connection.status !== 'connected') throw precondition.connectionNotActive();
      const result = await ctx.storage.transaction(async (tx) => {
        await tx.lockWorkspace(workspace.id);
        const current = await tx.projects.getProjectById(project.id);
        if (!current || !current.isActive) throw notFound.project();
        const target = await tx.connections.getConnection(workspace.id, connectionId);
        if (!target) throw notFound.connection();
        if (target.status !== 'connected') throw precondition.connectionNotActive();
        await recordAudit(tx, ctx, actor ?? { kind: 'host' }, {
          workspaceId: workspace.id, operation: 'projects.connectCloud', targets: { projectId: project.id, connectionId }, detail: { previousConnectionId: current.connectedCloudId },
        });
        if (current.connectedCloudId === connectionId) return { project: current, previous: null };
        if (current.connectedCloudId !== null && (await tx.resources.countResources({ projectId: project.id })) > 0) {
          throw conflict.cannotDisconnectCloud();
        }
        const updated = await tx.projects.setProjectConnection({ projectId: project.id, connectionId, now: ctx.clock.now() });
        return { project: updated, previous: current.connectedCloudId };
      });
      if (result.previous !== null) ctx.awsSessions.drop(result.previous);
      return { message: 'Cloud connection linked successfully', data: await projectObject(ctx.storage, result.project, workspace.slug) };
    },

    /** PATCH /api/projects/:projectSlug/disconnect-cloud — `canManageProjects`; 200 even when nothing was linked. */
    async disconnectCloud(actor: Actor | null, input: DisconnectCloudInput): Promise<OperationResponse<'projects.disconnectCloud'>> {
      const { project, workspace } = await projectScope(ctx, actor, input?.projectSlug, 'canManageProjects');
      const result = await ctx.storage.transaction(async (tx) => {
        await tx.lockWorkspace(workspace.id);
        const current = await tx.projects.getProjectById(project.id);
        if (!current || !current.isActive) throw notFound.project();
        if ((await tx.resources.countResources({ projectId: project.id })) > 0) throw conflict.cannotDisconnectCloud();
        await recordAudit(tx, ctx, actor ?? { kind: 'host' }, {
          workspaceId: workspace.id, operation: 'projects.disconnectCloud',
          targets: { projectId: project.id, ...(current.connectedCloudId === null ? {} : { connectionId: current.connectedCloudId }) },
        });
        if (current.connectedCloudId === null) return { project: current, previous: null };
        const updated = await tx.projects.setProjectConnection({ projectId: project.id, connectionId: null, now: ctx.clock.now() });
        return { project: updated, previous: current.connectedCloudId };
      });
      if (result.previous !== null) ctx.awsSessions.drop(result.previous);
      return { message: 'Cloud connection unlinked successfully', data: await projectObject(ctx.storage, result.project, workspace.slug) };
    },
  };
}
