/**
 * @module @cloudlink/providers/gcp — the GcpConnector (Workload Identity Federation test:
 * STS token exchange → generateAccessToken → projects.get) on google-auth-library.
 */
export { createGcpConnector } from './connector.js';
export type { GcpConnectorOptions } from './connector.js';
export { CloudlinkAuthClient } from './credentials.js';
export type { CloudlinkAuthClientOptions } from './credentials.js';
export type { CredentialsSource, CloudlinkCredentialsTarget } from '../shared/credentials-source.js';
