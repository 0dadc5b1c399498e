/**
 * @module @cloudlink/sandbox — one fake per cloud API (AWS STS, Route 53, Cloudflare, GCP STS/IAM/
 * Resource Manager, Entra ID/ARM) speaking the real wire format, usable in-process through the
 * SDKs' own seams or on a port; and `createSandboxProviders()`, the real providers wired to them.
 * For tests and sandbox mode, never for production traffic.
 */
export { createFakeService, json, xml, NO_ANSWER } from './http/fake-service.js';
export type { Fault, FakeReply, FakeService, Handler, HandlerResult, RecordedRequest } from './http/fake-service.js';
export { fakeAwsRequestHandler, fakeAzureHttpClient, fakeFetch } from './http/adapters.js';
export type { AwsHttpResponse, FakeAwsRequestHandler, FakeRoute } from './http/adapters.js';
export { listen } from './http/listen.js';
export type { ListenOptions, ListeningFake } from './http/listen.js';

export { createFakeSts, stsErrorBody } from './fakes/sts.js';
export type { FakeRole, FakeSts, FakeStsOptions, FakeStsSession } from './fakes/sts.js';
export { createFakeRoute53 } from './fakes/route53.js';
export type { FakeRoute53, FakeRoute53State, FakeRrset, FakeZone, Route53Failure, Route53Operation } from './fakes/route53.js';
export { createFakeCloudflare } from './fakes/cloudflare.js';
export type { CloudflareOperation, FakeCfRecord, FakeCfToken, FakeCfZone, FakeCloudflare, FakeCloudflareOptions, FakeCloudflareState } from './fakes/cloudflare.js';
export { CLOUDDNS_HOST, cloudDnsError, createFakeCloudDns } from './fakes/clouddns.js';
export type { CloudDnsOperation, FakeCloudDns, FakeCloudDnsOptions, FakeCloudDnsState, FakeManagedZone, FakeRrset as FakeCloudDnsRrset } from './fakes/clouddns.js';
export { createFakeGcp, fixedGcpWorld, gcpRoute, googleApiError, GCP_HOSTS } from './fakes/gcp.js';
export type { FakeGcp, FakeGcpOptions, FakeGcpWorld, GcpPrincipal } from './fakes/gcp.js';
export { armError, azureRoute, createFakeAzure, entraError, fixedAzureWorld, AZURE_HOSTS, AZURE_TOKEN_EXCHANGE_AUDIENCE } from './fakes/azure.js';
export { createIssuerKeyCache, fetchJsonOverHttp, inProcessIssuerDocuments, JWKS_CACHE_MS, JWKS_REFETCH_COOLDOWN_MS } from './fakes/oidc-keys.js';
export type { FetchJson } from './fakes/oidc-keys.js';
export type { FakeApp, FakeAzure, FakeAzureFederationOptions, FakeAzureOptions, FakeAzureWorld, FakeFederatedCredential, FakeSubscription } from './fakes/azure.js';
export { createFakeAzureDns, DEFAULT_AZURE_DNS_RESOURCE_GROUP } from './fakes/azuredns.js';
export type { AzureDnsVerdict, FakeAzureDns, FakeAzureDnsOptions, FakeAzureDnsState, FakeAzureDnsZone, FakeAzureRecordSet } from './fakes/azuredns.js';
export { startFakeAzure, startFakeAzureDns, startFakeCloudDns, startFakeCloudflare, startFakeGcp, startFakeRoute53, startFakeSts } from './fakes/start.js';
export type { Listening, ListeningAzure, ListeningAzureDns, ListeningCloudDns, ListeningCloudflare, ListeningGcp, ListeningRoute53, ListeningSts } from './fakes/start.js';
export { createInstantClock, halfRandom } from './testing/clock.js';
export type { InstantClock } from './testing/clock.js';
export { sandboxDnsConformance } from './testing/dns-conformance.js';
export type { AzureDnsUnderTest, DnsConformanceWiring, SandboxDnsProvider } from './testing/dns-conformance.js';
export { createTestCertificates } from './testing/certificates.js';
export { linkSandboxCloud, SANDBOX_AZURE_APP, SANDBOX_GCP_WIF } from './testing/cloud-links.js';
export type { TestCertificates } from './testing/certificates.js';

export { createSandboxProviders, SANDBOX_PLATFORM_ACCOUNT } from './sandbox/providers.js';
export type { SandboxFakes, SandboxProviders, SandboxProvidersOptions, SandboxState } from './sandbox/providers.js';
export { createSandboxResolver, fakeZoneTxtSources } from './sandbox/resolver.js';
export type { SandboxResolver, SandboxResolverState, TxtSource } from './sandbox/resolver.js';
export { SANDBOX_DENIED_ACCOUNT, SANDBOX_DENIED_POOL, SANDBOX_INVALID_SECRET } from './sandbox/worlds.js';
export type { SandboxGcpSetup, SandboxGcpWorld, SandboxOidc } from './sandbox/worlds.js';
export { upgradeSandboxState } from './sandbox/state-v1.js';
