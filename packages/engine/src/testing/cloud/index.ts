/** @module testing/cloud — the memory cloud connectors (the ports' reference implementations, for engine tests; they pass the connector conformance suites). */
export { createMemoryAwsConnector } from './memory-aws.js';
export type { MemoryAwsConnector, MemoryAwsOptions, MemoryAwsRole } from './memory-aws.js';
export { createMemoryGcpConnector } from './memory-gcp.js';
export type { MemoryGcpConnector, MemoryGcpOptions } from './memory-gcp.js';
export { MEMORY_AZURE_SUBSCRIPTION_NAME, createMemoryAzureConnector } from './memory-azure.js';
export type { MemoryAzureConnector } from './memory-azure.js';
