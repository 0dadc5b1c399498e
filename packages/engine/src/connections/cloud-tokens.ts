import type { EngineContext } from '../context.js';
import type { CloudConnection } from '../domain/records.js';
import { precondition, providerNotConfigured } from '../errors/index.js';
import type { OidcIssuer } from '../oidc/index.js';
import type { AccessToken } from '../ports/cloud.js';
import { CONNECTION_SECRET_AAD } from './complete.js';
import type { WifConfig } from './schemas.js';
import { azureCredentialsFor, gcpAudience, gcpSubject, type StoredAzureSetup } from './verify.js';

/**
 * The one place a GCP or Azure connection's sealed setup becomes a bearer token: the credentials
 * issued to the host (docs/credentials.md) and the token sources of Cloud DNS and Azure DNS zones
 * (docs/records.md#zones) both come through here, so both share the per-connection cache
 * (`ctx.awsSessions.cached`, dropped on complete, delete and unlink) and one exchange serves both.
 */
export interface ConnectionTokens {
  /** The GCP project DNS and the host's code act in: the WIF config's project, else the connection's account. */
  gcpProject(connection: CloudConnection): { projectId: string | null; serviceAccountEmail: string };
  /** Azure tenant and subscription of the connection's service principal (never its secret). */
  azureAccount(connection: CloudConnection): { tenantId: string; subscriptionId: string };
  /** Our OIDC token → STS → the service account's access token (workload identity federation, no key); cached. */
  gcpToken(connection: CloudConnection, scopes?: readonly string[]): Promise<AccessToken>;
  /** The service principal's client-credentials token (client secret, or an assertion from our issuer in `oidc` mode); cached. */
  azureToken(connection: CloudConnection, scopes?: readonly string[]): Promise<AccessToken>;
}

/** The connection's sealed setup (WIF config, service principal). A connection without one cannot serve. */
export function openConnectionSecret<T>(ctx: Pick<EngineContext, 'secrets'>, connection: CloudConnection): T {
  if (!connection.secretData) throw precondition.connectionNotActive();
  return JSON.parse(ctx.secrets.open(connection.secretData, CONNECTION_SECRET_AAD)) as T;
}

export function createConnectionTokens(ctx: Pick<EngineContext, 'secrets' | 'providers' | 'awsSessions'>, oidc: OidcIssuer): ConnectionTokens {
  return {
    gcpProject(connection) {
      const wif = openConnectionSecret<WifConfig>(ctx, connection);
      return { projectId: wif.projectId ?? connection.accountId, serviceAccountEmail: wif.serviceAccountEmail };
    },
    azureAccount(connection) {
      const { tenantId, subscriptionId } = openConnectionSecret<StoredAzureSetup>(ctx, connection);
      return { tenantId, subscriptionId };
    },
    gcpToken(connection, scopes) {
      const gcp = ctx.providers.gcp;
      if (!gcp) throw providerNotConfigured('GCP is not configured');
      const wif = openConnectionSecret<WifConfig>(ctx, connection);
      const audience = gcpAudience(wif);
      // The scopes are the key: a token for narrower scopes never serves a wider request.
      return ctx.awsSessions.cached(connection.id, JSON.stringify(['gcp', scopes ?? null]), () =>
        gcp.getAccessToken({
          audience,
          subjectToken: () => oidc.mint({ subject: gcpSubject(connection), audience }),
          serviceAccountEmail: wif.serviceAccountEmail,
          ...(scopes ? { scopes } : {}),
        }),
      );
    },
    azureToken(connection, scopes) {
      const azure = ctx.providers.azure;
      if (!azure) throw providerNotConfigured('Azure is not configured');
      // Secret or client assertion, as the connection's mode says (the same choice complete and verify make).
      const credentials = azureCredentialsFor(oidc, connection, openConnectionSecret<StoredAzureSetup>(ctx, connection));
      return ctx.awsSessions.cached(connection.id, JSON.stringify(['azure', scopes ?? null]), () => azure.getToken(credentials, scopes));
    },
  };
}
