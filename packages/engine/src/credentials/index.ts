/** @module credentials — short-lived cloud credentials of a connection for the host's own code (docs/credentials.md). */
import { workspaceScope } from '../access/index.js';
import { inAuditedTransaction, recordAudit, recordFailure, type AuditBy, type AuditRecord } from '../audit/index.js';
import type { AwsSessionRequest, EngineContext } from '../context.js';
import type { CloudConnection, Workspace } from '../domain/records.js';
import { conflict, credentialsExchangeFailed, invalidId, notFound } from '../errors/index.js';
import type { AccessToken } from '../ports/cloud.js';
import { isProviderCallError } from '../ports/provider-error.js';
import type { Actor } from '../ports/runtime.js';
import { parseInput, parsePathId } from '../validation/index.js';
import { noVerdict } from '../connections/verify.js';
import { issueCredentialsSchema, type IssueCredentialsBody } from './schemas.js';
import type { IssuedCredentials } from '../responses/credentials.js';
import type { OperationResponse } from '../responses/operations.js';

export { issueCredentialsSchema, AWS_MAX_DURATION_SECONDS, AWS_MIN_DURATION_SECONDS } from './schemas.js';
export type { IssueCredentialsBody } from './schemas.js';

/** What `credentials.issue` takes: the connection, why, and per-cloud options. */
export interface IssueCredentialsInput {
  readonly workspaceSlug: string;
  readonly connectionId: number | string;
  readonly purpose: string;
  readonly aws?: { readonly sessionPolicy?: string | Record<string, unknown>; readonly durationSeconds?: number };
  readonly gcp?: { readonly scopes?: readonly string[] };
  readonly azure?: { readonly scopes?: readonly string[] };
}

/** `credentials.forHost`: the workspace by id or slug, no actor. */
export type HostCredentialsInput = Omit<IssueCredentialsInput, 'workspaceSlug'> & {
  /** Recorded with the audit entry (e.g. the host's own request id). */
  readonly requestId?: string;
} & ({ readonly workspaceId: number; readonly workspaceSlug?: never } | { readonly workspaceSlug: string; readonly workspaceId?: never });

/** The issued credentials, one shape per cloud; `expiresAt` is ISO 8601 so every transport carries it alike. */
export type { IssuedCredentials };

/** AWS RoleSessionName / SourceIdentity: 2–64 characters of `[\w+=,.@-]`. */
const AWS_NAME_MAX = 64;

/**
 * The session name and source identity of host credentials: `cl-w<workspace>-c<connection>-<purpose>`,
 * cut to AWS's 64 characters. CloudTrail shows it on every call the host makes with them; the
 * source identity cannot be changed by the session, so it survives role chaining.
 */
export function awsSessionName(workspaceId: number, connectionId: number, purpose: string): string {
  return `cl-w${workspaceId}-c${connectionId}-${purpose}`.slice(0, AWS_NAME_MAX);
}

/**
 * `credentials.issue` (an actor with `canIssueCredentials`) and `credentials.forHost` (the host's own
 * backend, no actor, no member checks — like `operator`). Both check that the connection is active
 * and `connected` on every call, so cached credentials of a connection that has since failed or been
 * deleted are never handed out; a failing exchange changes nothing about the connection.
 */
export function createCredentialServices(ctx: EngineContext) {
  /**
   * Every issue that reaches a connection is in the audit log (`credentials.issue`): a success with
   * its expiry, and the event `credentials.issued`; a refusal (409 not connected) or a failed exchange
   * as a failure. Never a key or a token.
   */
  async function issueFor(workspace: Workspace, rawConnectionId: unknown, body: IssueCredentialsBody, by: AuditBy): Promise<IssuedCredentials> {
    const connectionId = parsePathId(rawConnectionId, invalidId.connection);
    const connection = await ctx.storage.connections.getConnection(workspace.id, connectionId);
    if (!connection) throw notFound.connection();
    const record: AuditRecord = {
      workspaceId: workspace.id,
      operation: 'credentials.issue',
      targets: { connectionId: connection.id },
      detail: { provider: connection.provider, purpose: body.purpose },
    };
    let issued: IssuedCredentials;
    try {
      if (connection.status !== 'connected') throw conflict.connectionNotConnected(connection.id, connection.status);
      issued = await exchangeReported(workspace, connection, body);
    } catch (e) {
      await recordFailure(ctx, by, record, e);
      throw e;
    }
    await inAuditedTransaction(ctx, async (tx, outbox) => {
      await recordAudit(tx, ctx, by, { ...record, detail: { ...record.detail, expiresAt: issued.expiresAt } });
      outbox.add({ type: 'credentials.issued', workspaceId: workspace.id, connectionId: connection.id, provider: connection.provider, purpose: body.purpose });
    });
    return issued;
  }

  /** The exchange; a provider failure is logged and answered, and changes nothing about the connection. */
  async function exchangeReported(workspace: Workspace, connection: CloudConnection, body: IssueCredentialsBody): Promise<IssuedCredentials> {
    try {
      return await exchange(workspace, connection, body);
    } catch (e) {
      if (!isProviderCallError(e)) throw e;
      // Reported, never acted on: whether the connection still works is for verification to decide.
      const fields = { workspaceId: workspace.id, connectionId: connection.id, provider: connection.provider, purpose: body.purpose };
      ctx.logger.warn({ ...fields, call: e.call, code: e.providerCode, kind: e.kind }, 'credentials exchange failed');
      if (e.kind === 'throttled' || e.kind === 'transient' || e.kind === 'platform') throw noVerdict(e);
      throw credentialsExchangeFailed(e.message);
    }
  }

  async function exchange(workspace: Workspace, connection: CloudConnection, body: IssueCredentialsBody): Promise<IssuedCredentials> {
    switch (connection.provider) {
      case 'aws': {
        const name = awsSessionName(workspace.id, connection.id, body.purpose);
        const session: AwsSessionRequest = {
          sessionName: name,
          sourceIdentity: name,
          ...(body.aws?.sessionPolicy !== undefined ? { policy: body.aws.sessionPolicy } : {}),
          ...(body.aws?.durationSeconds !== undefined ? { durationSeconds: body.aws.durationSeconds } : {}),
        };
        const c = await ctx.awsSessions.credentialsFor(connection, { session });
        return {
          provider: 'aws',
          connectionId: connection.id,
          accountId: connection.accountId,
          region: connection.region,
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          sessionToken: c.sessionToken ?? null,
          expiresAt: (c.expiration ?? new Date(ctx.clock.now().getTime() + 3_600_000)).toISOString(),
        };
      }
      case 'gcp': {
        const scopes = body.gcp?.scopes;
        const token = await ctx.connectionTokens.gcpToken(connection, scopes);
        const { projectId, serviceAccountEmail } = ctx.connectionTokens.gcpProject(connection);
        return { provider: 'gcp', connectionId: connection.id, projectId, serviceAccountEmail, ...tokenFields(token) };
      }
      case 'azure': {
        const token = await ctx.connectionTokens.azureToken(connection, body.azure?.scopes);
        const { tenantId, subscriptionId } = ctx.connectionTokens.azureAccount(connection);
        return { provider: 'azure', connectionId: connection.id, tenantId, subscriptionId, ...tokenFields(token) };
      }
    }
  }

  return {
    /**
     * Short-lived credentials of a connection for the caller's own code — `canIssueCredentials`.
     * Behind the opt-in tRPC procedure only (docs/credentials.md); no REST route.
     */
    async issue(actor: Actor | null, input: IssueCredentialsInput): Promise<OperationResponse<'credentials.issue'>> {
      const { workspace } = await workspaceScope(ctx, actor, input?.workspaceSlug, 'canIssueCredentials');
      const { workspaceSlug: _slug, connectionId, ...rest } = input;
      const body = parseInput(issueCredentialsSchema, rest);
      // workspaceScope has checked the actor names a user.
      return { message: 'Credentials issued', data: await issueFor(workspace, connectionId, body, actor as Actor) };
    },

    /**
     * The same for the host's own backend, without an actor: no authentication, membership or
     * permission check (like `operator`) — the host decides who may use it. Never expose it as a route.
     */
    async forHost(input: HostCredentialsInput): Promise<OperationResponse<'credentials.issue'>> {
      const { workspaceId, workspaceSlug, connectionId, requestId, ...rest } = input ?? ({} as HostCredentialsInput);
      const workspace =
        typeof workspaceId === 'number' && Number.isSafeInteger(workspaceId)
          ? await ctx.storage.workspaces.getWorkspaceById(workspaceId)
          : typeof workspaceSlug === 'string' && workspaceSlug.length <= 128
            ? await ctx.storage.workspaces.getWorkspaceBySlug(workspaceSlug)
            : null;
      if (!workspace) throw notFound.workspace();
      const body = parseInput(issueCredentialsSchema, rest);
      const by: AuditBy = { kind: 'host', ...(typeof requestId === 'string' ? { requestId } : {}) };
      return { message: 'Credentials issued', data: await issueFor(workspace, connectionId, body, by) };
    },
  };
}

function tokenFields(token: AccessToken) {
  return { accessToken: token.token, expiresAt: token.expiresAt.toISOString() };
}
