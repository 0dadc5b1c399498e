import type { EngineContext } from '../context.js';
import type { CloudConnection } from '../domain/records.js';
import { providerError, providerNotConfigured } from '../errors/index.js';
import type { OidcIssuer } from '../oidc/index.js';
import type { AzureCredentials } from '../ports/cloud.js';
import { isProviderCallError, ProviderCallError } from '../ports/provider-error.js';
import type { ProviderFailureKind } from '../ports/provider-error.js';
import type { WifConfig } from './schemas.js';

/**
 * Connection tests (docs/connections.md). A test either passes, or ends in a verdict `refused` (the
 * customer's setup says no → connection `failed`, 400), or throws 502/503 `Provider unavailable`
 * (no verdict: throttling, outages, our own platform credentials).
 */
export type TestVerdict = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly error: ProviderCallError };

/** 502/503 `Provider unavailable` for a call that reached no verdict. */
export function noVerdict(e: ProviderCallError) {
  if (e.kind === 'throttled') return providerError('Provider unavailable', e.message, { throttled: true, retryAfter: e.retryAfter ?? 5 });
  return providerError('Provider unavailable', e.message);
}

const refusal = (provider: string, call: string, code: string, message: string) =>
  new ProviderCallError({ provider, call, code, message, kind: 'refused' });

/**
 * The failure kinds that are a verdict on the customer's setup: their credentials were not
 * accepted, their setup refused the call, or the account, pool, service account or subscription
 * they named does not exist. Everything else (throttling, outages, our own credentials, a request
 * the provider could not parse) says nothing about their setup.
 */
const VERDICT_KINDS: ReadonlySet<ProviderFailureKind> = new Set(['refused', 'unauthorized', 'not-found']);

/** Run a test body and sort its outcome into pass / verdict / thrown no-verdict. */
export async function runTest(body: () => Promise<void>): Promise<TestVerdict> {
  try {
    await body();
    return { ok: true };
  } catch (e) {
    if (isProviderCallError(e)) {
      if (VERDICT_KINDS.has(e.kind)) return { ok: false, message: e.message, error: e };
      throw noVerdict(e);
    }
    throw e;
  }
}

type TestContext = Pick<EngineContext, 'providers' | 'clock' | 'random' | 'config'>;

export const roleArnFor = (ctx: Pick<EngineContext, 'config'>, accountId: string) => `arn:aws:iam::${accountId}:role/${ctx.config.aws.roleName}`;

/** The audience of the tokens AWS STS accepts for AssumeRoleWithWebIdentity (the OIDC provider's client id). */
export const AWS_OIDC_AUDIENCE = 'sts.amazonaws.com';

/**
 * AWS: AssumeRole with ExternalId → account match → AssumeRole without ExternalId must be refused.
 * An `oidc` connection: AssumeRoleWithWebIdentity with our token for its subject → account and role
 * match → a token for another connection's subject must be refused.
 */
export function testAws(ctx: TestContext, oidc: OidcIssuer, connection: CloudConnection, accountId: string): Promise<TestVerdict> {
  const aws = ctx.providers.aws;
  if (!aws) throw providerNotConfigured('AWS is not configured');
  const roleArn = roleArnFor(ctx, accountId);
  const sessionName = `cloudlink-${connection.id}`;
  if (connection.authMode === 'oidc') return testAwsWebIdentity(ctx, aws, oidc, connection, accountId, roleArn, sessionName);
  return runTest(async () => {
    const credentials = await aws.assumeRole({ roleArn, externalId: connection.externalId ?? '', sessionName, durationSeconds: 3600 });
    const identity = await aws.getCallerIdentity(credentials);
    if (identity.account !== accountId) {
      throw refusal('aws', 'GetCallerIdentity', 'AccountMismatch', `role belongs to account ${identity.account}, expected ${accountId}`);
    }
    try {
      await aws.assumeRole({ roleArn, sessionName, durationSeconds: 3600 });
    } catch (e) {
      if (isProviderCallError(e) && e.kind === 'refused' && e.providerCode === 'AccessDenied') return;
      // Any other answer to the negative test is an outage, not a verdict on the customer's setup.
      if (isProviderCallError(e)) throw noVerdict(e);
      throw e;
    }
    throw refusal('aws', 'AssumeRole without ExternalId', 'ExternalIdNotEnforced', 'trust policy does not require the ExternalId');
  });
}

function testAwsWebIdentity(
  ctx: TestContext,
  aws: NonNullable<TestContext['providers']['aws']>,
  oidc: OidcIssuer,
  connection: CloudConnection,
  accountId: string,
  roleArn: string,
  sessionName: string,
): Promise<TestVerdict> {
  const roleName = ctx.config.aws.roleName;
  const assume = async (subject: string) =>
    aws.assumeRoleWithWebIdentity({ roleArn, webIdentityToken: await oidc.mint({ subject, audience: AWS_OIDC_AUDIENCE }), sessionName, durationSeconds: 3600 });
  return runTest(async () => {
    const credentials = await assume(connectionSubject(connection));
    const identity = await aws.getCallerIdentity(credentials);
    if (identity.account !== accountId) {
      throw refusal('aws', 'GetCallerIdentity', 'AccountMismatch', `role belongs to account ${identity.account}, expected ${accountId}`);
    }
    if (!identity.arn.startsWith(`arn:aws:sts::${accountId}:assumed-role/${roleName}/`)) {
      throw refusal('aws', 'GetCallerIdentity', 'RoleMismatch', `credentials are for ${identity.arn}, expected role ${roleName}`);
    }
    // Connection 0 never exists: a role that accepts its subject is not pinned to this connection.
    try {
      await assume(connectionSubject({ workspaceId: connection.workspaceId, id: 0 }));
    } catch (e) {
      if (isProviderCallError(e) && e.kind === 'refused') return;
      if (isProviderCallError(e)) throw noVerdict(e);
      throw e;
    }
    throw refusal('aws', 'AssumeRoleWithWebIdentity for another subject', 'SubjectNotEnforced', 'trust policy does not pin the connection\'s subject');
  });
}

/** `//iam.googleapis.com/projects/<num>/locations/global/workloadIdentityPools/<pool>/providers/<provider>` */
export const gcpAudience = (wif: WifConfig) =>
  `//iam.googleapis.com/projects/${wif.projectNumber}/locations/global/workloadIdentityPools/${wif.poolId}/providers/${wif.providerId}`;

/** The subject our issuer puts in tokens for a connection, on every cloud; the customer's trust is pinned to it. */
export const connectionSubject = (connection: Pick<CloudConnection, 'workspaceId' | 'id'>) => `workspace:${connection.workspaceId}:connection:${connection.id}`;
/** The older name of {@link connectionSubject}. */
export const gcpSubject = connectionSubject;

/** GCP: our token → STS → generateAccessToken → projects.get; the project number must match. */
export function testGcp(ctx: TestContext, oidc: OidcIssuer, connection: CloudConnection, wif: WifConfig & { projectId: string }): Promise<TestVerdict> {
  const gcp = ctx.providers.gcp;
  if (!gcp) throw providerNotConfigured('GCP is not configured');
  const audience = gcpAudience(wif);
  return runTest(async () => {
    const project = await gcp.testWorkloadIdentity({
      audience,
      subjectToken: () => oidc.mint({ subject: gcpSubject(connection), audience }),
      serviceAccountEmail: wif.serviceAccountEmail,
      projectId: wif.projectId,
    });
    if (String(project.projectNumber) !== wif.projectNumber) {
      throw refusal('gcp', 'projects.get', 'ProjectMismatch', `project ${wif.projectId} has number ${project.projectNumber}, expected ${wif.projectNumber}`);
    }
  });
}

/** The audience Entra ID expects in a federated client assertion (the app's federated credential names it). */
export const AZURE_FEDERATION_AUDIENCE = 'api://AzureADTokenExchange';

/** What an Azure connection stores (sealed): the ids, and the client secret in `secret` mode only. */
export interface StoredAzureSetup {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly clientId: string;
  readonly clientSecret?: string;
}

/**
 * The one place an Azure connection's mode decides how it authenticates (complete, verify,
 * credentials, DNS): `oidc` → a client assertion minted by our issuer for the connection's subject,
 * on every token request; otherwise the stored client secret.
 */
export function azureCredentialsFor(oidc: OidcIssuer, connection: Pick<CloudConnection, 'workspaceId' | 'id' | 'authMode'>, stored: StoredAzureSetup): AzureCredentials {
  const ids = { tenantId: stored.tenantId, subscriptionId: stored.subscriptionId, clientId: stored.clientId };
  if (connection.authMode === 'oidc') {
    return { ...ids, clientAssertion: () => oidc.mint({ subject: gcpSubject(connection), audience: AZURE_FEDERATION_AUDIENCE }) };
  }
  return { ...ids, clientSecret: stored.clientSecret ?? '' };
}

/** Azure: Entra ID token → subscriptions.get; the subscription must match. */
export function testAzure(ctx: TestContext, credentials: AzureCredentials): Promise<TestVerdict> {
  const azure = ctx.providers.azure;
  if (!azure) throw providerNotConfigured('Azure is not configured');
  return runTest(async () => {
    const sub = await azure.getSubscription(credentials);
    if (sub.subscriptionId.toLowerCase() !== credentials.subscriptionId.toLowerCase()) {
      throw refusal('azure', 'subscriptions.get', 'SubscriptionMismatch', `credentials reach subscription ${sub.subscriptionId}, expected ${credentials.subscriptionId}`);
    }
  });
}

/**
 * On the callback only, a fresh client secret or role assignment may not have replicated yet:
 * Entra `invalid_client` and ARM 401/403 are worth another try.
 */
export function isReplicationLag(verdict: TestVerdict): boolean {
  if (verdict.ok) return false;
  const e = verdict.error;
  if (e.call === 'Entra ID token request') return e.providerCode === 'invalid_client';
  if (e.call === 'subscriptions.get') return e.status === 401 || e.status === 403;
  return false;
}
