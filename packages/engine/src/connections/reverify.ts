import { workspaceScope } from '../access/index.js';
import { assertWithinLimit } from '../admin/limits.js';
import { inAuditedTransaction, recordAudit, type AuditBy } from '../audit/index.js';
import type { EngineContext } from '../context.js';
import type { CloudConnection, ConnectionStatus } from '../domain/records.js';
import { connectionTestFailed, EngineError, invalidId, notFound, precondition } from '../errors/index.js';
import type { OidcIssuer } from '../oidc/index.js';
import type { Actor } from '../ports/runtime.js';
import type { ConnectionPatch, StorageTx } from '../ports/storage.js';
import { parsePathId } from '../validation/index.js';
import { CONNECTION_SECRET_AAD } from './complete.js';
import type { WifConfig } from './schemas.js';
import { serializeConnection } from './serialize.js';
import { azureCredentialsFor, roleArnFor, testAws, testAzure, testGcp, type StoredAzureSetup, type TestVerdict } from './verify.js';
import type { OperationResponse } from '../responses/operations.js';

export interface VerifyConnectionInput {
  readonly workspaceSlug: string;
  readonly connectionId: string | number;
}

/**
 * What one re-verification found (docs/connections.md#re-verification): `connected` (passed),
 * `failed` (a definitive refusal, with `reason`), or `outage` (no verdict: status unchanged).
 */
export type VerificationOutcome =
  | { readonly kind: 'connected'; readonly connection: CloudConnection; readonly statusChanged: boolean }
  | { readonly kind: 'failed'; readonly connection: CloudConnection; readonly statusChanged: boolean; readonly reason: string }
  | { readonly kind: 'outage'; readonly connection: CloudConnection; readonly error: EngineError };

/** Only connected and failed connections have a stored setup to re-test. */
const isVerifiable = (c: CloudConnection) => c.isActive && (c.status === 'connected' || c.status === 'failed');

/** 502/503 from the test: no verdict on the customer's setup (outage, throttling, our own configuration). */
const isNoVerdict = (e: unknown): e is EngineError => e instanceof EngineError && (e.code === 'PROVIDER_FAILURE' || e.code === 'PROVIDER_UNAVAILABLE');

/**
 * Re-verification: the same tests as complete (`verify.ts`), run on what complete stored. Shared by
 * the `verify` route and the scheduler (`health-scheduler.ts`), so both decide and record alike.
 */
export function createReverification(ctx: EngineContext, oidc: OidcIssuer) {
  /** The stored setup's test; 400 `Connection not completed` when nothing usable is stored. */
  function storedTest(c: CloudConnection): () => Promise<TestVerdict> {
    if (!isVerifiable(c)) throw precondition.connectionNotCompleted(c.id, `is ${c.status}`);
    const accountId = c.accountId;
    if (accountId === null) throw precondition.connectionNotCompleted(c.id, 'has no stored account');
    if (c.provider === 'aws') return () => testAws(ctx, oidc, c, accountId);
    if (c.secretData === null) throw precondition.connectionNotCompleted(c.id, 'has no stored setup');
    const stored: unknown = JSON.parse(ctx.secrets.open(c.secretData, CONNECTION_SECRET_AAD));
    if (c.provider === 'gcp') return () => testGcp(ctx, oidc, c, { ...(stored as WifConfig), projectId: accountId });
    return () => testAzure(ctx, azureCredentialsFor(oidc, c, stored as StoredAzureSetup));
  }

  /** Run the test; an outage comes back as a value so its error can be recorded. */
  async function runStored(c: CloudConnection): Promise<TestVerdict | { readonly ok: 'outage'; readonly error: EngineError }> {
    const test = storedTest(c);
    try {
      return await test();
    } catch (e) {
      if (isNoVerdict(e)) return { ok: 'outage', error: e };
      throw e;
    }
  }

  /**
   * Record the result in one transaction under the workspace lock: a verdict moves the status
   * (`connected ↔ failed`), an outage only records its error. A connection deleted or reset meanwhile
   * is left alone (404). `connected` again counts against the plan's `max_cloud_connections`.
   * The audit entry goes in the same transaction: a pass, a refusal (the status change it records;
   * the route then throws `Connection test failed`, which the failure wrapper leaves alone, as for
   * `complete`), and a scheduled check's outage. An outage answered to a caller is thrown as
   * `Provider unavailable`, and the engine's failure wrapper records that (one entry either way). A
   * status change emits `connection.status_changed` after the commit.
   */
  async function record(c: CloudConnection, result: Awaited<ReturnType<typeof runStored>>, by: AuditBy): Promise<VerificationOutcome> {
    const limits = result.ok === true && c.status === 'failed' ? await ctx.limits.limitsFor(c.workspaceId) : null;
    const scheduled = !('userId' in by);
    const outcome = await inAuditedTransaction(ctx, async (tx, outbox) => {
      const { from, settled } = await settle(tx);
      const to = settled.connection.status;
      if (settled.kind !== 'outage' || scheduled) {
        const failure = settled.kind === 'failed' ? 'Connection test failed' : 'Provider unavailable';
        await recordAudit(tx, ctx, by, {
          workspaceId: c.workspaceId,
          operation: 'cloudConnections.verify',
          targets: { connectionId: c.id },
          ...(settled.kind === 'connected' ? {} : { outcome: 'failure' as const, error: failure }),
          detail: { from, to, scheduled },
        });
      }
      if (from !== to) {
        outbox.add({ type: 'connection.status_changed', workspaceId: c.workspaceId, connectionId: c.id, from, to, ...(settled.kind === 'failed' ? { reason: settled.reason } : {}) });
      }
      return settled;
    });
    // Credentials assumed before a refusal must not outlive it.
    if (outcome.kind === 'failed') ctx.awsSessions.drop(c.id);
    return outcome;

    async function settle(tx: StorageTx): Promise<{ from: ConnectionStatus; settled: VerificationOutcome }> {
      await tx.lockWorkspace(c.workspaceId);
      const current = await tx.connections.getConnection(c.workspaceId, c.id);
      if (!current || !isVerifiable(current)) throw notFound.connection();
      const now = ctx.clock.now();
      const failures = current.verificationFailures;
      if (result.ok === 'outage') {
        const patch: ConnectionPatch = { lastVerifiedAt: now, lastVerificationError: result.error.message, verificationFailures: failures + 1 };
        return { from: current.status, settled: { kind: 'outage', connection: await tx.connections.updateConnection(c.id, patch, now), error: result.error } };
      }
      if (!result.ok) {
        const patch: ConnectionPatch = {
          status: 'failed',
          failureReason: result.message,
          lastVerifiedAt: now,
          lastVerificationError: result.message,
          verificationFailures: failures + 1,
        };
        const updated = await tx.connections.updateConnection(c.id, patch, now);
        return { from: current.status, settled: { kind: 'failed', connection: updated, statusChanged: current.status !== 'failed', reason: result.message } };
      }
      if (limits && current.status === 'failed') {
        assertWithinLimit(limits, 'max_cloud_connections', await tx.connections.countConnected(c.workspaceId, { excludeId: c.id }));
      }
      const patch: ConnectionPatch = {
        status: 'connected',
        failureReason: null,
        lastVerifiedAt: now,
        lastVerificationError: null,
        verificationFailures: 0,
        ...(current.status === 'failed' ? { connectedAt: now } : {}),
        // A connection that failed its first complete has no role ARN stored yet.
        ...(current.provider === 'aws' && current.roleArn === null && current.accountId !== null ? { roleArn: roleArnFor(ctx, current.accountId) } : {}),
      };
      const updated = await tx.connections.updateConnection(c.id, patch, now);
      return { from: current.status, settled: { kind: 'connected', connection: updated, statusChanged: current.status !== 'connected' } };
    }
  }

  /** Test the stored setup and record the result: what the route (`by` the caller) and the scheduler (`system`) share. */
  async function reverify(c: CloudConnection, by: AuditBy = { kind: 'system' }): Promise<VerificationOutcome> {
    return record(c, await runStored(c), by);
  }

  return {
    reverify,
    /**
     * POST …/:connectionId/verify — `canManageResources`; connected or failed connections only (400
     * `Connection not completed`). Pass → 200 `connected`; refusal → 400 `Connection test failed`
     * with the now failed connection as `data`; outage → 502/503, status unchanged, error recorded.
     */
    async verify(actor: Actor | null, input: VerifyConnectionInput): Promise<OperationResponse<'cloudConnections.verify'>> {
      const { workspace } = await workspaceScope(ctx, actor, input?.workspaceSlug, 'canManageResources');
      const id = parsePathId(input?.connectionId, invalidId.connection);
      const connection = await ctx.storage.connections.getConnection(workspace.id, id);
      if (!connection) throw notFound.connection();
      const outcome = await reverify(connection, actor!);
      if (outcome.kind === 'outage') throw outcome.error;
      if (outcome.kind === 'failed') throw connectionTestFailed(outcome.reason, serializeConnection(outcome.connection));
      return { message: 'Cloud connection verified successfully', data: serializeConnection(outcome.connection) };
    },
  };
}
