import type { EngineContext } from '../context.js';
import { notFound } from '../errors/index.js';
import type { OidcIssuer } from '../oidc/index.js';
import { renderAwsOidcTemplate, renderAwsTemplate, renderAzureSetupScript, renderGcpSetupScript } from './assets/index.js';
import { gcpSubject } from './verify.js';
import type { OperationResponse } from '../responses/operations.js';

export interface GcpSetupScriptInput {
  /** The connection id, from the `connection` query parameter. */
  readonly connection?: string | number;
}

/**
 * `publicAssets` — the public, unauthenticated documents: OIDC discovery and JWKS, the
 * CloudFormation template of the AWS flow and the GCP and Azure setup scripts.
 */
export function createPublicAssets(ctx: EngineContext, oidc: OidcIssuer, platformAccountId: () => Promise<string>) {
  return {
    /** GET /api/.well-known/openid-configuration */
    openidConfiguration: async (): Promise<OperationResponse<'publicAssets.openidConfiguration'>> => oidc.discovery(),
    /** GET /api/.well-known/jwks.json (creates the first key on first use). */
    jwks: (): Promise<OperationResponse<'publicAssets.jwks'>> => oidc.jwks(),
    /** GET /api/cloud-connections/templates/aws.yaml — 503 when the platform account is unknown. */
    async awsTemplate(): Promise<string> {
      return renderAwsTemplate({ platformAccountId: await platformAccountId(), roleName: ctx.config.aws.roleName });
    },
    /** GET /api/cloud-connections/templates/aws-oidc.yaml — the `mode: "oidc"` variant; needs no platform account. */
    async awsOidcTemplate(): Promise<string> {
      return renderAwsOidcTemplate({ issuer: oidc.issuer, roleName: ctx.config.aws.roleName });
    },
    /** GET /api/cloud-connections/scripts/gcp-wif.sh?connection=<id> — 404 for a bad, unknown, inactive or non-GCP id. */
    async gcpSetupScript(input?: GcpSetupScriptInput): Promise<string> {
      const raw = input?.connection;
      const text = typeof raw === 'number' ? String(raw) : raw;
      if (typeof text !== 'string' || text.length > 15 || !/^[1-9]\d{0,14}$/.test(text)) throw notFound.connection();
      const connection = await ctx.storage.connections.getConnectionById(Number(text));
      if (!connection || !connection.isActive || connection.provider !== 'gcp') throw notFound.connection();
      return renderGcpSetupScript({ issuer: oidc.issuer, subject: gcpSubject(connection) });
    },
    /**
     * GET /api/cloud-connections/scripts/azure.sh[?connection=<id>] — without `connection` the client-secret
     * script; with it, the federated one of that `oidc` connection (404 for a bad, unknown, inactive,
     * non-Azure or `secret`-mode id).
     */
    async azureSetupScript(input?: GcpSetupScriptInput): Promise<string> {
      const callbackUrl = `${ctx.config.publicUrl}/api/cloud-connections/azure-setup-callback`;
      const raw = input?.connection;
      if (raw === undefined) return renderAzureSetupScript({ callbackUrl });
      const text = typeof raw === 'number' ? String(raw) : raw;
      if (typeof text !== 'string' || text.length > 15 || !/^[1-9]\d{0,14}$/.test(text)) throw notFound.connection();
      const connection = await ctx.storage.connections.getConnectionById(Number(text));
      if (!connection || !connection.isActive || connection.provider !== 'azure' || connection.authMode !== 'oidc') throw notFound.connection();
      return renderAzureSetupScript({ callbackUrl, federation: { issuer: oidc.issuer, subject: gcpSubject(connection) } });
    },
  };
}
