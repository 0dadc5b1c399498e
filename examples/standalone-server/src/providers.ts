import { createNodeDnsResolver, type EngineProviders, type GcpConnector } from '@cloudlink/engine';
import { createAwsConnector, createRoute53Provider } from '@cloudlink/providers/aws';
import { createAzureConnector } from '@cloudlink/providers/azure';
import { createCloudflareProvider } from '@cloudlink/providers/cloudflare';
import type { GcpConnectorOptions } from '@cloudlink/providers/gcp';
import type { ServerConfig } from './config.js';

/**
 * The real provider implementations, configured from the environment. Constructing them
 * makes no network call; platform AWS credentials come from the SDK's default chain when first used.
 */
export function createRealProviders(config: ServerConfig): EngineProviders {
  return {
    aws: createAwsConnector({ ...(config.aws.stsEndpoint !== undefined && { endpoint: config.aws.stsEndpoint }) }),
    gcp: lazyGcpConnector({
      stsUrl: config.gcp.stsUrl,
      iamCredentialsUrl: config.gcp.iamCredentialsUrl,
      resourceManagerUrl: config.gcp.resourceManagerUrl,
    }),
    azure: createAzureConnector({ authorityHost: config.azure.authorityHost, armUrl: config.azure.armUrl }),
    dns: {
      route53: createRoute53Provider({ ...(config.aws.route53Endpoint !== undefined && { endpoint: config.aws.route53Endpoint }) }),
      cloudflare: createCloudflareProvider({ baseUrl: config.cloudflare.apiBaseUrl, batchSize: config.cloudflare.batchSize }),
    },
    resolver: createNodeDnsResolver({
      ...(config.dnsResolvers && { servers: config.dnsResolvers.map((s) => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`)) }),
    }),
  };
}

/**
 * The GCP connector, its module imported on the first call and once. `@cloudlink/providers/gcp` also
 * exports `CloudlinkAuthClient`, a subclass of google-auth-library's `AuthClient`, so importing it
 * loads that library (several MiB resident) at once; a server that never reaches GCP should not.
 */
function lazyGcpConnector(options: GcpConnectorOptions): GcpConnector {
  let made: Promise<GcpConnector> | undefined;
  const connector = () => (made ??= import('@cloudlink/providers/gcp').then(({ createGcpConnector }) => createGcpConnector(options)));
  return {
    testWorkloadIdentity: async (input, callOptions) => (await connector()).testWorkloadIdentity(input, callOptions),
    getAccessToken: async (input, callOptions) => (await connector()).getAccessToken(input, callOptions),
  };
}
