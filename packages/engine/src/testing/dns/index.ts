/**
 * @module testing/dns — the memory DNS provider (the port's reference implementation, for engine
 * tests; it passes the DNS provider conformance suite) and a TXT resolver answering from its zones.
 * Sandbox mode runs the real Route 53 and Cloudflare providers against the fakes of `@cloudlink/sandbox`.
 */
export { MEMORY_DNS_LIMITS, createMemoryDnsProvider, splitBatches } from './memory-dns-provider.js';
export type { DnsBatchLimits, MemoryDnsOptions, MemoryDnsProvider } from './memory-dns-provider.js';
export { createMemoryResolver } from './memory-resolver.js';
export type { MemoryResolver } from './memory-resolver.js';
