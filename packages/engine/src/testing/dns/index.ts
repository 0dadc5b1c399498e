/**
 * @module testing/dns — the memory DNS provider (the port's reference implementation, for engine
 * tests; it passes the DNS provider conformance suite), the TXT resolver, and the older sandbox
 * stand-ins for Route 53 and Cloudflare.
 */
export { MEMORY_DNS_LIMITS, createMemoryDnsProvider, splitBatches } from './memory-dns-provider.js';
export type { DnsBatchLimits, MemoryDnsOptions, MemoryDnsProvider } from './memory-dns-provider.js';
export type { SandboxDnsProvider } from './sandbox-provider.js';
export { createSandboxRoute53Provider } from './sandbox-route53.js';
export type { SandboxRoute53Provider, SandboxRoute53State } from './sandbox-route53.js';
export { createSandboxCloudflareProvider } from './sandbox-cloudflare.js';
export type { SandboxCloudflareOptions, SandboxCloudflareProvider, SandboxCloudflareState } from './sandbox-cloudflare.js';
export { createSandboxResolver } from './sandbox-resolver.js';
export type { SandboxResolver, SandboxResolverOptions, SandboxResolverState } from './sandbox-resolver.js';
export type { FaultControl, FaultOptions, InjectedFailure, SandboxCall } from './faults.js';
