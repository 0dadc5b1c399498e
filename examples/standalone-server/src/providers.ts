import { createNodeDnsResolver, type EngineProviders } from '@cloudlink/engine';
import { createAwsConnector, createRoute53Provider } from '@cloudlink/providers/aws';
import { createAzureConnector } from '@cloudlink/providers/azure';
import { createCloudflareProvider } from '@cloudlink/providers/cloudflare';
import { createGcpConnector } from '@cloudlink/providers/gcp';
import type { ServerConfig } from './config.js';

/**
 * The real provider implementations, configured from the environment. Constructing them
 * makes no network call; platform AWS credentials come from the SDK's default chain when first used.
 */
export function createRealProviders(config: ServerConfig): EngineProviders {
  return {
    aws: createAwsConnector({ ...(config.aws.stsEndpoint !== undefined && { endpoint: config.aws.stsEndpoint }) }),
    gcp: createGcpConnector({
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
