/** @module testing/cloud — in-memory cloud connectors for tests and sandbox mode. */
export { createSandboxAwsConnector } from './sandbox-aws.js';
export type { SandboxAwsConnector, SandboxAwsOptions } from './sandbox-aws.js';
export { createSandboxGcpConnector } from './sandbox-gcp.js';
export type { SandboxGcpConnector, SandboxGcpOptions } from './sandbox-gcp.js';
export { createSandboxAzureConnector } from './sandbox-azure.js';
export type { SandboxAzureConnector } from './sandbox-azure.js';
