/** @module testing/cloud — in-memory cloud connectors for the engine's unit tests (sandbox mode runs the real connectors through `@cloudlink/sandbox`). */
export { createSandboxAwsConnector } from './sandbox-aws.js';
export type { SandboxAwsConnector, SandboxAwsOptions } from './sandbox-aws.js';
export { createSandboxGcpConnector } from './sandbox-gcp.js';
export type { SandboxGcpConnector, SandboxGcpOptions } from './sandbox-gcp.js';
export { createSandboxAzureConnector } from './sandbox-azure.js';
export type { SandboxAzureConnector } from './sandbox-azure.js';
