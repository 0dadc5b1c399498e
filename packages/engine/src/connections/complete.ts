import type { OperationResponse } from '../responses/operations.js';
import { workspaceScope } from '../access/index.js';
import { inAuditedTransaction, recordAudit, type AuditBy, type AuditedOperation } from '../audit/index.js';
import { noteAuditScope, noteAuditTargets } from '../audit/scope.js';
import { assertWithinLimit } from '../admin/limits.js';
import type { EngineContext } from '../context.js';
import type { CloudConnection } from '../domain/records.js';
import { conflict, connectionTestFailed, invalidField, invalidId, invalidSetupToken, notFound, precondition } from '../errors/index.js';
import type { OidcIssuer } from '../oidc/index.js';
import type { Actor } from '../ports/runtime.js';
import { isStorageConflict, type ConnectionPatch } from '../ports/storage.js';
import { parseInput, parsePathId } from '../validation/index.js';
import { assertNameFree, hashSetupToken } from './manage.js';
import {
  azureCallbackBodySchema,
  completeAwsBodySchema,
  completeAzureBodySchema,
  completeGcpBodySchema,
  type AzureCallbackBody,
  type AzureCredentialsInput,
  type CompleteAwsBody,
  type CompleteAzureBody,
  type CompleteGcpBody,
} from './schemas.js';
import { serializeConnection } from './serialize.js';
import { azureCredentialsFor, isReplicationLag, roleArnFor, testAws, testAzure, testGcp, type StoredAzureSetup, type TestVerdict } from './verify.js';

/** The sealed-column AAD of `cloud_connections.secret_data`. */
export const CONNECTION_SECRET_AAD = 'cloudlink:cloud_connections.secret_data';

export type CompleteConnectionInput = { readonly workspaceSlug: string; readonly connectionId: string | number } & (
  | CompleteAwsBody
  | CompleteGcpBody
  | CompleteAzureBody
);
export type AzureSetupCallbackInput = AzureCallbackBody;

/** What a provider-specific body resolves to: fields to store and the test to run. */
interface Plan {
  readonly accountName: string;
  readonly accountId: string;
  /** Stored only on success. */
  readonly onSuccess: ConnectionPatch;
  readonly test: () => Promise<TestVerdict>;
}

/**
 * What an Azure connection stores: a `secret` connection needs the client secret; an `oidc` one
 * must not send one (it would be a secret nobody uses, and the point of the mode is to hold none).
 */
function azureSetupOf(connection: CloudConnection, credentials: AzureCredentialsInput): StoredAzureSetup {
  const { tenantId, subscriptionId, clientId, clientSecret } = credentials;
  if (connection.authMode === 'oidc') {
    if (clientSecret !== undefined) throw invalidField('clientSecret', 'must be absent: this connection authenticates with a federated credential (mode oidc)');
    return { tenantId, subscriptionId, clientId };
  }
  if (clientSecret === undefined) throw invalidField('clientSecret', 'required');
  return { tenantId, subscriptionId, clientId, clientSecret };
}

export function createCompletion(ctx: EngineContext, oidc: OidcIssuer) {
  function planFor(connection: CloudConnection, input: unknown): Plan {
    switch (connection.provider) {
      case 'aws': {
        const body = parseInput(completeAwsBodySchema, input);
        return {
          accountName: body.accountName,
          accountId: body.accountId,
          onSuccess: { roleArn: roleArnFor(ctx, body.accountId) },
          test: () => testAws(ctx, oidc, connection, body.accountId),
        };
      }
      case 'gcp': {
        const body = parseInput(completeGcpBodySchema, input);
        return {
          accountName: body.accountName,
          accountId: body.projectId,
          onSuccess: { secretData: ctx.secrets.seal(JSON.stringify(body.wifConfig), CONNECTION_SECRET_AAD) },
          test: () => testGcp(ctx, oidc, connection, body.wifConfig),
        };
      }
      case 'azure': {
        const body = parseInput(completeAzureBodySchema, input);
        return azurePlan(connection, body.accountName, azureSetupOf(connection, body.credentials));
      }
    }
  }

  function azurePlan(connection: CloudConnection, accountName: string, setup: StoredAzureSetup): Plan {
    return {
      accountName,
      accountId: setup.subscriptionId,
      onSuccess: { secretData: ctx.secrets.seal(JSON.stringify(setup), CONNECTION_SECRET_AAD) },
      test: () => testAzure(ctx, azureCredentialsFor(oidc, connection, setup)),
    };
  }

  /**
   * Store a verdict in one transaction that re-checks status (a concurrent complete may have won),
   * the plan limit (success only) and the name (the DB index). Success spends an Azure token.
   */
  async function settle(by: AuditBy, operation: AuditedOperation, connection: CloudConnection, plan: Plan, verdict: TestVerdict) {
    const limits = await ctx.limits.limitsFor(connection.workspaceId);
    let updated: CloudConnection;
    try {
      updated = await inAuditedTransaction(ctx, async (tx, outbox) => {
        await tx.lockWorkspace(connection.workspaceId);
        const current = await tx.connections.getConnection(connection.workspaceId, connection.id);
        if (!current) throw notFound.connection();
        if (current.status === 'connected') throw conflict.connectionAlreadyCompleted(connection.id);
        const now = ctx.clock.now();
        const common = { accountId: plan.accountId, accountName: plan.accountName };
        const workspaceId = connection.workspaceId;
        const targets = { connectionId: connection.id };
        const detail = { provider: connection.provider, accountId: plan.accountId };
        if (!verdict.ok) {
          // The failed test is the outcome: recorded here, with the status it sets, not again by the failure wrapper.
          await recordAudit(tx, ctx, by, { workspaceId, operation, targets, detail, outcome: 'failure', error: 'Connection test failed' });
          if (current.status !== 'failed') outbox.add({ type: 'connection.status_changed', workspaceId, connectionId: connection.id, from: current.status, to: 'failed', reason: verdict.message });
          return tx.connections.updateConnection(connection.id, { ...common, status: 'failed', failureReason: verdict.message }, now);
        }
        assertWithinLimit(limits, 'max_cloud_connections', await tx.connections.countConnected(connection.workspaceId, { excludeId: connection.id }));
        await recordAudit(tx, ctx, by, { workspaceId, operation, targets, detail });
        outbox.add({ type: 'connection.status_changed', workspaceId, connectionId: connection.id, from: current.status, to: 'connected' });
        return tx.connections.updateConnection(
          connection.id,
          {
            ...common,
            ...plan.onSuccess,
            status: 'connected',
            connectedAt: now,
            failureReason: null,
            ...(current.setupTokenHash !== null && current.setupTokenUsedAt === null ? { setupTokenUsedAt: now } : {}),
          },
          now,
        );
      });
    } catch (e) {
      if (isStorageConflict(e, 'cloud_connections.account_name')) throw conflict.duplicateAccountName(plan.accountName);
      throw e;
    }
    ctx.awsSessions.drop(connection.id);
    if (!verdict.ok) throw connectionTestFailed(verdict.message, serializeConnection(updated));
    return { message: 'Cloud connection completed successfully', data: serializeConnection(updated) };
  }

  return {
    /**
     * POST …/:connectionId/complete (docs/connections.md): pipeline (body included) → 409 when connected →
     * plan limit excluding itself → duplicate name → provider test → one settling transaction.
     */
    async complete(actor: Actor | null, input: CompleteConnectionInput): Promise<OperationResponse<'cloudConnections.complete'>> {
      const { workspace } = await workspaceScope(ctx, actor, input?.workspaceSlug, 'canManageResources');
      const id = parsePathId(input?.connectionId, invalidId.connection);
      const connection = await ctx.storage.connections.getConnection(workspace.id, id);
      if (!connection) throw notFound.connection();
      noteAuditTargets({ connectionId: id });
      const plan = planFor(connection, input);
      if (connection.status === 'connected') throw conflict.connectionAlreadyCompleted(id);
      const limits = await ctx.limits.limitsFor(workspace.id);
      assertWithinLimit(limits, 'max_cloud_connections', await ctx.storage.connections.countConnected(workspace.id, { excludeId: id }));
      await assertNameFree(ctx, workspace.id, plan.accountName, id);
      return settle(actor ?? { kind: 'host' }, 'cloudConnections.complete', connection, plan, await plan.test());
    },

    /**
     * POST /api/cloud-connections/azure-setup-callback — public; the one-time token authenticates
     * the caller. The token is claimed before the test and stays spent whatever the outcome.
     */
    async azureSetupCallback(_actor: Actor | null, input: AzureSetupCallbackInput): Promise<OperationResponse<'cloudConnections.azureSetupCallback'>> {
      const body = parseInput(azureCallbackBodySchema, input);
      if (body.token.length !== 24 || !/^[0-9a-f]{24}$/.test(body.token)) throw invalidSetupToken();
      const found = await ctx.storage.connections.getConnectionBySetupTokenHash(hashSetupToken(body.token));
      const now = ctx.clock.now();
      if (
        !found ||
        !found.isActive ||
        found.provider !== 'azure' ||
        found.setupTokenUsedAt !== null ||
        !found.setupTokenExpiresAt ||
        found.setupTokenExpiresAt <= now
      ) {
        throw invalidSetupToken();
      }
      // The token proved the caller: from here a refusal belongs in the connection's workspace log.
      noteAuditScope({ workspaceId: found.workspaceId });
      noteAuditTargets({ connectionId: found.id });
      if (found.accountName === null) throw precondition.accountNameRequired();
      const limits = await ctx.limits.limitsFor(found.workspaceId);
      assertWithinLimit(limits, 'max_cloud_connections', await ctx.storage.connections.countConnected(found.workspaceId, { excludeId: found.id }));
      // Checked before the token is spent: a body of the wrong mode can be sent again.
      const setup = azureSetupOf(found, body.credentials);
      if (!(await ctx.storage.connections.claimSetupToken(found.id, now))) throw invalidSetupToken();
      const plan = azurePlan(found, found.accountName, setup);
      // A new secret or role assignment takes time to replicate: retry those refusals for a while.
      const attempts = 1 + Math.floor(ctx.config.azure.callbackRetryMs / Math.max(1, ctx.config.azure.callbackRetryIntervalMs));
      let verdict = await plan.test();
      for (let i = 1; i < attempts && isReplicationLag(verdict); i++) {
        await ctx.clock.sleep(ctx.config.azure.callbackRetryIntervalMs);
        verdict = await plan.test();
      }
      return settle({ kind: 'system' }, 'cloudConnections.azureSetupCallback', found, plan, verdict);
    },
  };
}
