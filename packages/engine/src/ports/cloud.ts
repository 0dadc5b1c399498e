/**
 * Cloud connectors: the calls that test a customer's connection. Each throws
 * `ProviderCallError` naming the step (`AssumeRole`, `STS token exchange`, `Entra ID token request`, …)
 * with a `kind` that tells a verdict (`refused`, `unauthorized`, `not-found`) from an outage. Implementations: `@cloudlink/providers`
 * (real SDKs; `@cloudlink/sandbox` wires them to fakes for sandbox mode) and `@cloudlink/engine/testing` (the memory connectors, reference implementations for engine unit tests).
 * Every call accepts `signal` and honours the configured timeout; none follows redirects. Retries
 * of throttling and transient failures (see docs/batching.md) happen inside the implementation, so callers
 * make each call once.
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface AwsConnector {
  /**
   * STS AssumeRole with the platform credentials. Without `externalId` for the negative test;
   * `sourceIdentity` and `policy` (a session policy, JSON) for credentials handed to the host
   * (docs/credentials.md). Call name: `AssumeRole`.
   */
  assumeRole(
    input: { roleArn: string; externalId?: string; sessionName: string; durationSeconds?: number; sourceIdentity?: string; policy?: string },
    options?: { signal?: AbortSignal },
  ): Promise<AwsCredentials>;
  /**
   * STS AssumeRoleWithWebIdentity: unsigned, so it needs no platform credentials; the role's trust
   * checks the token (from cloudlink's issuer) instead (docs/connections.md#connection-modes).
   * InvalidIdentityToken, AccessDenied and ExpiredTokenException are `refused`; IDPCommunicationError
   * is `transient`. Call name: `AssumeRoleWithWebIdentity`.
   */
  assumeRoleWithWebIdentity(
    input: { roleArn: string; webIdentityToken: string; sessionName: string; durationSeconds?: number; policy?: string },
    options?: { signal?: AbortSignal },
  ): Promise<AwsCredentials>;
  /** STS GetCallerIdentity, with the given credentials or, when omitted, the platform's own. Call name: `GetCallerIdentity`. */
  getCallerIdentity(credentials?: AwsCredentials, options?: { signal?: AbortSignal }): Promise<{ account: string; arn: string }>;
}

export interface GcpWifTestInput {
  /** `//iam.googleapis.com/projects/<num>/locations/global/workloadIdentityPools/<pool>/providers/<provider>` */
  readonly audience: string;
  /** Mints the subject token (a JWT from our OIDC issuer); called at most once per test. */
  readonly subjectToken: () => Promise<string>;
  readonly serviceAccountEmail: string;
  readonly projectId: string;
}

export interface GcpConnector {
  /**
   * STS token exchange → generateAccessToken → projects.get. Returns what projects.get reported;
   * the engine compares the number. Call names: `STS token exchange`, `generateAccessToken`, `projects.get`.
   */
  testWorkloadIdentity(input: GcpWifTestInput, options?: { signal?: AbortSignal }): Promise<{ projectId: string; projectNumber: string }>;
  /**
   * STS token exchange → generateAccessToken for `scopes` (default cloud-platform): the service
   * account's access token for the host (docs/credentials.md). Call names: `STS token exchange`, `generateAccessToken`.
   */
  getAccessToken(input: GcpAccessTokenInput, options?: { signal?: AbortSignal }): Promise<AccessToken>;
}

export interface GcpAccessTokenInput extends Omit<GcpWifTestInput, 'projectId'> {
  readonly scopes?: readonly string[];
}

/** A bearer token and when it stops working. */
export interface AccessToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * The service principal to authenticate as: with a client secret (`secret` mode), or with a client
 * assertion — a JWT minted by cloudlink's issuer that Entra ID accepts through the app's federated
 * identity credential (`oidc` mode, docs/connections.md). The assertion is asked for on each token request.
 */
export type AzureCredentials = {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly clientId: string;
} & ({ readonly clientSecret: string; readonly clientAssertion?: never } | { readonly clientAssertion: () => Promise<string>; readonly clientSecret?: never });

export interface AzureConnector {
  /**
   * Client-credentials token from Entra ID, then GET the subscription on ARM. Call names:
   * `Entra ID token request`, `subscriptions.get`.
   */
  getSubscription(input: AzureCredentials, options?: { signal?: AbortSignal }): Promise<{ subscriptionId: string; displayName?: string }>;
  /**
   * Client-credentials token from Entra ID for `scopes` (default the ARM `.default` scope): the
   * service principal's token for the host (docs/credentials.md). Call name: `Entra ID token request`.
   */
  getToken(input: AzureCredentials, scopes?: readonly string[], options?: { signal?: AbortSignal }): Promise<AccessToken>;
}
