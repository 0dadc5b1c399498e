import type { OperationResponse } from '../responses/operations.js';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { inAuditedTransaction, recordAudit, type AuditBy } from '../audit/index.js';
import { noteAuditTargets } from '../audit/scope.js';
import { workspaceScope } from '../access/index.js';
import { assertWithinLimit } from '../admin/limits.js';
import type { EngineContext } from '../context.js';
import type { CloudProviderName } from '../domain/plans.js';
import { conflict, invalidId, notFound } from '../errors/index.js';
import type { Actor } from '../ports/runtime.js';
import { isStorageConflict } from '../ports/storage.js';
import { parseInput, parsePathId } from '../validation/index.js';
import {
  connectAwsBodySchema,
  connectAzureBodySchema,
  connectGcpBodySchema,
  listConnectionsQuerySchema,
  updateConnectionBodySchema,
  type ConnectBody,
  type ListConnectionsQuery,
  type UpdateConnectionBody,
} from './schemas.js';
import { modeOf, serializeConnection } from './serialize.js';
import { connectionSubject } from './verify.js';
import { azureSetupCommand, gcpSetupCommand } from './assets/index.js';
import { openIdPage } from '../pagination/index.js';

export type ListConnectionsInput = ListConnectionsQuery & { readonly workspaceSlug: string };
export type ConnectInput = ConnectBody & { readonly workspaceSlug: string };
export type UpdateConnectionInput = UpdateConnectionBody & { readonly workspaceSlug: string; readonly connectionId: string | number };
export interface DeleteConnectionInput {
  readonly workspaceSlug: string;
  readonly connectionId: string | number;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** The Azure setup token is stored only as its SHA-256 hex. */
export const hashSetupToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** 409 when another active connection of the workspace already has this name (the DB index decides races). */
export async function assertNameFree(ctx: EngineContext, workspaceId: number, name: string | null, selfId: number): Promise<void> {
  if (name === null) return;
  // At most one other active connection can hold the name (unique index): two rows answer the question.
  const holders = await ctx.storage.connections.listConnections(workspaceId, { accountName: name }, { limit: 2 });
  if (holders.some((c) => c.id !== selfId)) throw conflict.duplicateAccountName(name);
}

/**
 * `cloudConnections.{list, connectAws, connectGcp, connectAzure, update, delete}`. `platformAccountId` resolves the AWS platform account (503 when unknown).
 */
export function createConnectionManagement(ctx: EngineContext, platformAccountId: () => Promise<string>) {
  const api = `${ctx.config.publicUrl}/api`;

  /** Pipeline → body → plan limit; what every connect-* starts with. */
  async function begin<S extends typeof connectAwsBodySchema | typeof connectGcpBodySchema | typeof connectAzureBodySchema>(actor: Actor | null, input: unknown, schema: S) {
    const scope = await workspaceScope(ctx, actor, (input as { workspaceSlug?: unknown } | undefined)?.workspaceSlug, 'canManageResources');
    const body = parseInput(schema, input) as z.output<S>;
    const limits = await ctx.limits.limitsFor(scope.workspace.id);
    assertWithinLimit(limits, 'max_cloud_connections', await ctx.storage.connections.countConnected(scope.workspace.id));
    return { ...scope, region: body.region, body };
  }

  /**
   * Insert the pending connection under the workspace lock, after counting the ones not yet
   * connected: the cap holds when concurrent requests (on any app instance) race.
   */
  async function create(by: AuditBy, workspaceId: number, provider: CloudProviderName, createdBy: number, region: string, extra: Record<string, unknown> = {}) {
    return ctx.storage.transaction(async (tx) => {
      await tx.lockWorkspace(workspaceId);
      const byStatus = await tx.connections.countConnectionsByStatus(workspaceId);
      const notConnected = byStatus.pending + byStatus.failed;
      if (notConnected >= ctx.config.maxPendingConnections) throw conflict.tooManyPendingConnections(notConnected);
      const created = await tx.connections.createConnection({ workspaceId, provider, createdBy, region, now: ctx.clock.now(), ...extra });
      // The setup token, ExternalId and stack name stay out of the log: only the provider and region.
      const operation = provider === 'aws' ? 'cloudConnections.connectAws' : provider === 'gcp' ? 'cloudConnections.connectGcp' : 'cloudConnections.connectAzure';
      await recordAudit(tx, ctx, by, { workspaceId, operation, targets: { connectionId: created.id }, detail: { provider, region, mode: modeOf(created) } });
      return created;
    });
  }

  return {
    /**
     * GET /api/cloud-connections/:workspaceSlug — `canViewResources`; one page (`limit`, `cursor`),
     * `id` ascending; `summary` ignores every filter and the page (one aggregate query).
     */
    async list(actor: Actor | null, input: ListConnectionsInput): Promise<OperationResponse<'cloudConnections.list'>> {
      const { workspace } = await workspaceScope(ctx, actor, input?.workspaceSlug, 'canViewResources');
      const query = parseInput(listConnectionsQuerySchema, input);
      const page = openIdPage(query, 'connections', workspace.id);
      // The page and the summary are independent reads: on a networked database they run side by side.
      const [rows, byStatus] = await Promise.all([
        ctx.storage.connections.listConnections(
          workspace.id,
          {
            ...(query.status === 'all' ? {} : { status: query.status }),
            ...(query.provider ? { provider: query.provider } : {}),
            ...(query.provider_id !== undefined ? { providerId: query.provider_id } : {}),
            includeInactive: query.include_inactive ?? false,
          },
          page.read,
        ),
        ctx.storage.connections.countConnectionsByStatus(workspace.id),
      ]);
      const { items, nextCursor } = page.finish(rows);
      const data = items.map(serializeConnection);
      return {
        message: 'Cloud connections retrieved successfully',
        summary: {
          total: byStatus.connected + byStatus.pending + byStatus.failed + byStatus.disconnected,
          byStatus: { connected: byStatus.connected, pending: byStatus.pending, failed: byStatus.failed, disconnected: byStatus.disconnected },
        },
        count: data.length,
        data,
        nextCursor,
      };
    },

    /** POST …/connect-aws — pending connection, fresh ExternalId and stack name, quick-create URL. */
    async connectAws(actor: Actor | null, input: ConnectInput): Promise<OperationResponse<'cloudConnections.connectAws'>> {
      const { user, workspace, region, body } = await begin(actor, input, connectAwsBodySchema);
      const stackName = `DeploCloudConnection-${hex(ctx.random.bytes(4))}`;
      const review = `https://console.aws.amazon.com/cloudformation/home?region=${region}#/stacks/create/review`;
      if (body.mode === 'oidc') {
        // Trust pinned to the connection's subject: no platform account, no ExternalId.
        const connection = await create(actor ?? { kind: 'host' }, workspace.id, 'aws', user.id, region, { stackName, authMode: 'oidc' });
        const templateUrl = `${api}/cloud-connections/templates/aws-oidc.yaml`;
        const connectionUrl =
          `${review}?templateURL=${encodeURIComponent(templateUrl)}&stackName=${stackName}` +
          `&param_ConnectionSubject=${encodeURIComponent(connectionSubject(connection))}`;
        return {
          message: 'AWS connection initiated',
          data: { connectionId: connection.id, connectionUrl, stackName, region, status: 'pending' as const, externalId: null, mode: 'oidc' as const },
        };
      }
      await platformAccountId();
      const externalId = hex(ctx.random.bytes(16));
      const connection = await create(actor ?? { kind: 'host' }, workspace.id, 'aws', user.id, region, { externalId, stackName });
      const templateUrl = ctx.config.aws.templateUrl ?? `${api}/cloud-connections/templates/aws.yaml`;
      const connectionUrl = `${review}?templateURL=${encodeURIComponent(templateUrl)}&stackName=${stackName}&param_ExternalId=${externalId}`;
      return {
        message: 'AWS connection initiated',
        data: { connectionId: connection.id, connectionUrl, stackName, region, status: 'pending' as const, externalId, mode: 'role' as const },
      };
    },

    /** POST …/connect-gcp — pending connection and the Cloud Shell setup command. */
    async connectGcp(actor: Actor | null, input: ConnectInput): Promise<OperationResponse<'cloudConnections.connectGcp'>> {
      const { user, workspace, region } = await begin(actor, input, connectGcpBodySchema);
      const connection = await create(actor ?? { kind: 'host' }, workspace.id, 'gcp', user.id, region);
      const scriptUrl = `${api}/cloud-connections/scripts/gcp-wif.sh?connection=${connection.id}`;
      const command = gcpSetupCommand(scriptUrl);
      return {
        message: 'GCP connection initiated',
        data: {
          connectionId: connection.id,
          connectionUrl: 'https://shell.cloud.google.com/cloudshell/editor?show=terminal',
          setupCommand: command,
          setupScriptUrl: scriptUrl,
          wifCommand: command,
          wifScriptUrl: scriptUrl,
          region,
          status: 'pending' as const,
        },
      };
    },

    /** POST …/connect-azure — pending connection and a one-time 24-hex token; only its hash is stored. */
    async connectAzure(actor: Actor | null, input: ConnectInput): Promise<OperationResponse<'cloudConnections.connectAzure'>> {
      const { user, workspace, region, body } = await begin(actor, input, connectAzureBodySchema);
      const token = hex(ctx.random.bytes(12));
      const expiresAt = new Date(ctx.clock.now().getTime() + ctx.config.azure.tokenTtlSeconds * 1000);
      const authMode = body.mode === 'oidc' ? 'oidc' : null;
      const connection = await create(actor ?? { kind: 'host' }, workspace.id, 'azure', user.id, region, {
        setupTokenHash: hashSetupToken(token),
        setupTokenExpiresAt: expiresAt,
        authMode,
      });
      // An oidc connection's script is rendered for it (its subject in the federated credential).
      const scriptUrl = `${api}/cloud-connections/scripts/azure.sh${authMode === 'oidc' ? `?connection=${connection.id}` : ''}`;
      return {
        message: 'Azure connection initiated',
        data: {
          connectionId: connection.id,
          connectionUrl: 'https://shell.azure.com',
          setupCommand: azureSetupCommand(token, scriptUrl),
          setupScriptUrl: scriptUrl,
          region,
          status: 'pending' as const,
          setupTokenExpiresAt: expiresAt.toISOString(),
        },
      };
    },

    /** PATCH …/:connectionId — set or clear `accountName`, any status. */
    async update(actor: Actor | null, input: UpdateConnectionInput): Promise<OperationResponse<'cloudConnections.update'>> {
      const { workspace } = await workspaceScope(ctx, actor, input?.workspaceSlug, 'canManageResources');
      const id = parsePathId(input?.connectionId, invalidId.connection);
      const connection = await ctx.storage.connections.getConnection(workspace.id, id);
      if (!connection) throw notFound.connection();
      noteAuditTargets({ connectionId: id });
      const { accountName } = parseInput(updateConnectionBodySchema, input);
      await assertNameFree(ctx, workspace.id, accountName, id);
      let updated;
      try {
        updated = await ctx.storage.transaction(async (tx) => {
          const changed = await tx.connections.updateConnection(id, { accountName }, ctx.clock.now());
          await recordAudit(tx, ctx, actor ?? { kind: 'host' }, { workspaceId: workspace.id, operation: 'cloudConnections.update', targets: { connectionId: id }, detail: { accountName } });
          return changed;
        });
      } catch (e) {
        if (isStorageConflict(e, 'cloud_connections.account_name') && accountName !== null) throw conflict.duplicateAccountName(accountName);
        throw e;
      }
      return {
        message: 'Cloud connection updated successfully',
        data: {
          id: updated.id,
          accountName: updated.accountName,
          accountId: updated.accountId,
          region: updated.region,
          connectionStatus: updated.status,
          updatedAt: updated.updatedAt.toISOString(),
        },
      };
    },

    /**
     * DELETE …/:connectionId — refused while a linked project has active resources; otherwise soft
     * delete, unlink projects and invalidate the token in one transaction.
     */
    async delete(actor: Actor | null, input: DeleteConnectionInput): Promise<OperationResponse<'cloudConnections.delete'>> {
      const { workspace } = await workspaceScope(ctx, actor, input?.workspaceSlug, 'canManageResources');
      const id = parsePathId(input?.connectionId, invalidId.connection);
      if (!(await ctx.storage.connections.getConnection(workspace.id, id))) throw notFound.connection();
      noteAuditTargets({ connectionId: id });
      await inAuditedTransaction(ctx, async (tx, outbox) => {
        await tx.lockWorkspace(workspace.id);
        const current = await tx.connections.getConnection(workspace.id, id);
        if (!current) throw notFound.connection();
        const busy = await tx.projects.listProjectsWithActiveResources(id);
        if (busy.length > 0) throw conflict.cannotDeleteConnection(busy.map((p) => p.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        const now = ctx.clock.now();
        await tx.projects.unlinkConnection({ connectionId: id, now });
        await tx.connections.softDeleteConnection(id, now);
        await recordAudit(tx, ctx, actor ?? { kind: 'host' }, { workspaceId: workspace.id, operation: 'cloudConnections.delete', targets: { connectionId: id }, detail: { provider: current.provider } });
        if (current.status !== 'disconnected') {
          outbox.add({ type: 'connection.status_changed', workspaceId: workspace.id, connectionId: id, from: current.status, to: 'disconnected', reason: 'deleted' });
        }
      });
      ctx.awsSessions.drop(id);
      return { message: 'Cloud connection deleted successfully' };
    },
  };
}
