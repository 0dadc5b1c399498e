/**
 * @module testing/dns — in-memory DNS stand-ins for the engine's unit tests (sandbox mode runs the real providers through `@cloudlink/sandbox`):
 * Route 53, Cloudflare and the TXT resolver, each with JSON `snapshot()`/`restore(state)`,
 * a call log and failure injection.
 */
export type { SandboxDnsProvider } from './sandbox-provider.js';
export { createSandboxRoute53Provider } from './sandbox-route53.js';
export type { SandboxRoute53Provider, SandboxRoute53State } from './sandbox-route53.js';
export { createSandboxCloudflareProvider } from './sandbox-cloudflare.js';
export type { SandboxCloudflareOptions, SandboxCloudflareProvider, SandboxCloudflareState } from './sandbox-cloudflare.js';
export { createSandboxResolver } from './sandbox-resolver.js';
export type { SandboxResolver, SandboxResolverOptions, SandboxResolverState } from './sandbox-resolver.js';
export type { FaultControl, FaultOptions, InjectedFailure, SandboxCall } from './faults.js';
