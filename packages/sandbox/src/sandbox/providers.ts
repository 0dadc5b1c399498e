import type { DnsProvider, EngineProviders } from '@cloudlink/engine';
import { createAwsConnector, createRoute53Provider } from '@cloudlink/providers/aws';
import type { AwsConnectorOptions } from '@cloudlink/providers/aws';
import { createAzureConnector, createAzureDnsProvider } from '@cloudlink/providers/azure';
import { createCloudflareProvider } from '@cloudlink/providers/cloudflare';
import { createCloudDnsProvider, createGcpConnector } from '@cloudlink/providers/gcp';
import { fakeAwsRequestHandler, fakeAzureHttpClient, fakeFetch } from '../http/adapters.js';
import { azureRoute, createFakeAzure } from '../fakes/azure.js';
import type { FakeAzure } from '../fakes/azure.js';
import { createFakeAzureDns } from '../fakes/azuredns.js';
import type { FakeAzureDns, FakeAzureDnsState } from '../fakes/azuredns.js';
import { createFakeCloudDns } from '../fakes/clouddns.js';
import type { FakeCloudDns, FakeCloudDnsState } from '../fakes/clouddns.js';
import { createFakeCloudflare } from '../fakes/cloudflare.js';
import type { FakeCloudflare, FakeCloudflareState } from '../fakes/cloudflare.js';
import { createFakeGcp, gcpRoute } from '../fakes/gcp.js';
import type { FakeGcp } from '../fakes/gcp.js';
import { createFakeRoute53 } from '../fakes/route53.js';
import type { FakeRoute53, FakeRoute53State } from '../fakes/route53.js';
import { createFakeSts } from '../fakes/sts.js';
import type { FakeSts } from '../fakes/sts.js';
import { createSandboxResolver, fakeZoneTxtSources } from './resolver.js';
import type { SandboxResolver, SandboxResolverState } from './resolver.js';
import { sandboxAwsRoles, sandboxAzureWorld, sandboxGcpWorld, sandboxIssuerDocuments } from './worlds.js';
import type { SandboxGcpWorld, SandboxOidc } from './worlds.js';

/** The platform account of the sandbox unless told otherwise. */
export const SANDBOX_PLATFORM_ACCOUNT = '999999999999';
/** The platform's access key in the sandbox (the fake STS knows it as the platform account's). */
const PLATFORM_CREDENTIALS = { accessKeyId: 'AKIASANDBOXPLATFORM0', secretAccessKey: 'sandbox-platform-secret' };

/** The JSON state of a sandbox: the DNS zones of the fakes and the resolver's static answers. */
export interface SandboxState {
  readonly version: 2;
  readonly route53: FakeRoute53State;
  readonly cloudflare: FakeCloudflareState;
  /** Absent in states saved before the Cloud DNS fake existed (restored as no zones). */
  readonly clouddns?: FakeCloudDnsState;
  readonly resolver: SandboxResolverState;
  /** Azure DNS zones; absent in states saved before the sandbox had Azure DNS (restored as none). */
  readonly azuredns?: FakeAzureDnsState;
}

/** Call policy of every provider (tests pass an instant clock and a short policy); the connectors' own option type. */
type CallPolicy = Pick<AwsConnectorOptions, 'timeoutMs' | 'retryPolicy' | 'clock' | 'random'>;

export interface SandboxProvidersOptions extends CallPolicy {
  /** The platform account the fake STS gives the platform credentials; default `999999999999`. */
  readonly platformAccountId?: string;
  /** Our OIDC issuer and keys, which the fake GCP STS and the fake Entra ID verify our tokens against. */
  readonly oidc?: SandboxOidc;
  /** The time of the clouds (credential expiry, token checks); default the system clock. Pass the engine's clock. */
  readonly now?: () => Date;
  /** Record operations per Cloudflare batch call (the provider's option). */
  readonly cloudflareBatchSize?: number;
}

export interface SandboxFakes {
  readonly sts: FakeSts;
  readonly route53: FakeRoute53;
  readonly cloudflare: FakeCloudflare;
  readonly gcp: FakeGcp;
  /** The decisions behind `gcp`; `runSetupScript` applies a connection's setup script to a project (its pool provider's condition, the SA's binding). */
  readonly gcpWorld: SandboxGcpWorld;
  /** Accepts exactly the access tokens `gcp`'s IAM Credentials issued (the connection's WIF token). */
  readonly clouddns: FakeCloudDns;
  readonly azure: FakeAzure;
  /** Azure DNS on ARM: resource group `cloudlink-dns` exists in every subscription; tokens must come from the fake Entra, for ARM. */
  readonly azuredns: FakeAzureDns;
}

export interface SandboxProviders {
  /** The real connectors and DNS providers of @cloudlink/providers, answered in-process by the fakes. */
  readonly providers: Required<Pick<EngineProviders, 'aws' | 'gcp' | 'azure' | 'resolver'>> & { readonly dns: { readonly route53: DnsProvider; readonly cloudflare: DnsProvider; readonly clouddns: DnsProvider; readonly azuredns: DnsProvider } };
  readonly fakes: SandboxFakes;
  readonly resolver: SandboxResolver;
  snapshot(): SandboxState;
  restore(state: SandboxState): void;
}

/**
 * The real providers (createAwsConnector, createGcpConnector, createAzureConnector,
 * createRoute53Provider, createCloudflareProvider, createCloudDnsProvider, createAzureDnsProvider) wired through their SDKs' own seams to
 * in-process fakes of the clouds, so everything production runs (translation, batching, paging,
 * retries, error mapping) runs in the sandbox too; plus a resolver answering from the fakes' zones.
 */
export function createSandboxProviders(options: SandboxProvidersOptions = {}): SandboxProviders {
  const platformAccount = options.platformAccountId ?? SANDBOX_PLATFORM_ACCOUNT;
  const gcpWorld = sandboxGcpWorld(options.oidc && options.now && !options.oidc.now ? { ...options.oidc, now: options.now } : options.oidc);
  const gcp = createFakeGcp(gcpWorld);
  const azure = createFakeAzure(sandboxAzureWorld(options.oidc), {
    ...(options.oidc ? { fetchJson: sandboxIssuerDocuments(options.oidc) } : {}),
    ...(options.now || options.oidc?.now ? { now: options.oidc?.now ?? options.now } : {}),
  });
  const fakes: SandboxFakes = {
    sts: createFakeSts({
      platformAccount,
      platformAccessKeyId: PLATFORM_CREDENTIALS.accessKeyId,
      resolveRole: sandboxAwsRoles(platformAccount),
      ...(options.now ? { now: options.now } : {}),
      // The role "deployed" for an oidc connection trusts the first subject it is assumed with.
      ...(options.oidc ? { webIdentity: { issuer: options.oidc.issuer, jwks: options.oidc.jwks, pinOnFirstUse: true } } : {}),
    }),
    route53: createFakeRoute53(),
    cloudflare: createFakeCloudflare({ openWorld: true }),
    gcp,
    gcpWorld,
    clouddns: createFakeCloudDns({ acceptToken: (token) => gcp.issuedAccessToken(token) }),
    azure,
    // ARM accepts only tokens the sandbox's Entra issued for ARM's own scope, as the subscription check does.
    azuredns: createFakeAzureDns({ authorize: (token, scope) => (azure.tokenCaller(token)?.scope.startsWith(scope.origin) ? 'allow' : 'invalid') }),
  };
  const { timeoutMs, retryPolicy, clock, random } = options;
  const policy: CallPolicy = { ...(timeoutMs !== undefined && { timeoutMs }), ...(retryPolicy && { retryPolicy }), ...(clock && { clock }), ...(random && { random }) };
  const resolver = createSandboxResolver([
    ...fakeZoneTxtSources(fakes.route53, fakes.cloudflare),
    { txtValues: (fqdn) => fakes.clouddns.lookup(fqdn, 'TXT').flatMap((r) => r.rrdatas) },
    fakes.azuredns,
  ]);
  // Fixed production URLs: the fakes answer whatever host is addressed, and the env never redirects the sandbox.
  const env = {};
  const providers = {
    aws: createAwsConnector({ ...policy, region: 'us-east-1', credentials: PLATFORM_CREDENTIALS, requestHandler: fakeAwsRequestHandler(fakes.sts) }),
    gcp: createGcpConnector({ ...policy, env, fetch: fakeFetch(gcpRoute(fakes.gcp)) }),
    azure: createAzureConnector({ ...policy, env, httpClient: fakeAzureHttpClient(azureRoute(fakes.azure)) }),
    dns: {
      route53: createRoute53Provider({ ...policy, requestHandler: fakeAwsRequestHandler(fakes.route53) }),
      cloudflare: createCloudflareProvider({
        ...policy,
        fetch: fakeFetch(fakes.cloudflare),
        ...(options.cloudflareBatchSize !== undefined ? { batchSize: options.cloudflareBatchSize } : {}),
      }),
      clouddns: createCloudDnsProvider({ ...policy, env, fetch: fakeFetch(fakes.clouddns) }),
      // Zone deletes are polled on the policy's clock; the sandbox's fake finishes after one poll.
      azuredns: createAzureDnsProvider({ ...policy, env, httpClient: fakeAzureHttpClient(fakes.azuredns) }),
    },
    resolver,
  };
  return {
    providers,
    fakes,
    resolver,
    snapshot: () => ({
      version: 2,
      route53: fakes.route53.snapshot(),
      cloudflare: fakes.cloudflare.snapshot(),
      clouddns: fakes.clouddns.snapshot(),
      azuredns: fakes.azuredns.snapshot(),
      resolver: resolver.snapshot(),
    }),
    restore(state) {
      fakes.route53.restore(state.route53);
      fakes.cloudflare.restore(state.cloudflare);
      fakes.clouddns.restore(state.clouddns ?? { serial: 0, zones: [] });
      fakes.azuredns.restore(state.azuredns ?? { zones: [] });
      resolver.restore(state.resolver);
    },
  };
}
