/**
 * @module @cloudlink/engine/conformance — the conformance suites every implementation of a port
 * must pass: storage, DNS providers and cloud connectors. A subpath of its own because it imports
 * vitest (an optional peer), which production code never loads.
 */
export { describeStorageConformance, storageConformanceHelpers } from '../testing/storage/conformance/index.js';
export type {
  CreateStorage,
  StorageConformanceContext,
  StorageConformanceOptions,
  StorageUnderTest,
} from '../testing/storage/conformance/index.js';
export { describeDnsProviderConformance } from '../testing/dns/conformance/index.js';
export type {
  CreateDnsProvider,
  DnsBatchLimits,
  DnsConformanceContext,
  DnsFaults,
  DnsProviderConformanceOptions,
  DnsProviderUnderTest,
} from '../testing/dns/conformance/index.js';
export { describeAwsConnectorConformance, describeAzureConnectorConformance, describeGcpConnectorConformance } from '../testing/cloud/conformance/index.js';
export type {
  AwsConnectorWorld,
  AzureConnectorWorld,
  ConnectorFaults,
  ConnectorUnderTest,
  CreateConnector,
  GcpConnectorWorld,
} from '../testing/cloud/conformance/index.js';
