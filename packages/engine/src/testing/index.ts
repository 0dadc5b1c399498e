/**
 * @module @cloudlink/engine/testing — in-memory reference implementations of every port (storage,
 * DNS provider, cloud connectors, resolver, test runtime) for the engine's unit tests, and the
 * conformance suites every implementation of a port must pass. Not for production: the suites
 * import vitest (an optional peer), which is why production code never loads this entry.
 */
export * from './storage/index.js';
export * from './cloud/index.js';
export * from './dns/index.js';
export type { MemoryCall, FaultControl, FaultOptions, InjectedFailure, MemoryRetryOptions } from './memory-faults.js';
export { describeStorageConformance, storageConformanceHelpers } from './storage/conformance/index.js';
export type { CreateStorage, StorageConformanceContext, StorageConformanceOptions, StorageUnderTest } from './storage/conformance/index.js';
export { describeDnsProviderConformance } from './dns/conformance/index.js';
export type { CreateDnsProvider, DnsConformanceContext, DnsFaults, DnsProviderConformanceOptions, DnsProviderUnderTest } from './dns/conformance/index.js';
export { describeAwsConnectorConformance, describeAzureConnectorConformance, describeGcpConnectorConformance } from './cloud/conformance/index.js';
export type { AwsConnectorWorld, AzureConnectorWorld, ConnectorFaults, ConnectorUnderTest, CreateConnector, GcpConnectorWorld } from './cloud/conformance/index.js';
export { engineError } from './engine-error.js';
