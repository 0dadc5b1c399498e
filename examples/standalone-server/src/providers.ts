import { createNodeDnsResolver, WRITABLE_RECORD_TYPES, type DnsProvider, type DnsProviderCapabilities, type DnsSession, type EngineProviders, type GcpConnector } from '@cloudlink/engine';
import { createAwsConnector, createRoute53Provider } from '@cloudlink/providers/aws';
import { createAzureConnector, createAzureDnsProvider } from '@cloudlink/providers/azure';
import { createCloudflareProvider } from '@cloudlink/providers/cloudflare';
import type { CloudDnsProviderOptions, GcpConnectorOptions } from '@cloudlink/providers/gcp';
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
      clouddns: lazyCloudDnsProvider({ baseUrl: config.gcp.dnsUrl }),
      // The SDK sends bearer tokens over TLS only: an http ARM URL (a local fake of the connector's
      // calls) leaves Azure DNS unconfigured, and its zones answer that, instead of the server not starting.
      ...(config.azure.armUrl.startsWith('https://') && { azuredns: createAzureDnsProvider({ armUrl: config.azure.armUrl }) }),
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

/**
 * What Cloud DNS can do, known before its module is loaded (the engine reads it synchronously). The
 * provider's own `CLOUDDNS_FEATURES` says the same; test/dns-clouds.test.ts checks the two agree.
 */
export const CLOUDDNS_CAPABILITIES: DnsProviderCapabilities = { recordTypes: WRITABLE_RECORD_TYPES, apexCname: false, createsZones: true, aliasRecords: false, proxy: false };

/**
 * The Cloud DNS provider, its module (`@cloudlink/providers/gcp`, which loads google-auth-library)
 * imported on the first provider call and once, for the same reason as `lazyGcpConnector`.
 */
export function lazyCloudDnsProvider(options: CloudDnsProviderOptions): DnsProvider {
  let made: Promise<DnsProvider> | undefined;
  const provider = () => (made ??= import('@cloudlink/providers/gcp').then(({ createCloudDnsProvider }) => createCloudDnsProvider(options)));
  return {
    id: 'clouddns',
    capabilities: CLOUDDNS_CAPABILITIES,
    session(auth): DnsSession {
      let opened: Promise<DnsSession> | undefined;
      const session = () => (opened ??= provider().then((p) => p.session(auth)));
      return {
        createOrImportZone: async (input, o) => (await session()).createOrImportZone(input, o),
        getZone: async (id, o) => (await session()).getZone(id, o),
        async *listRecordSets(zone, o) {
          yield* (await session()).listRecordSets(zone, o);
        },
        getRecordSet: async (zone, name, type, o) => (await session()).getRecordSet(zone, name, type, o),
        applyChanges: async (zone, changes, o) => (await session()).applyChanges(zone, changes, o),
        async planChanges(zone, changes, o) {
          const s = await session();
          if (!s.planChanges) throw new TypeError('clouddns: planChanges is not available');
          return s.planChanges(zone, changes, o);
        },
        deleteZone: async (zone, o) => (await session()).deleteZone(zone, o),
      };
    },
  };
}
