/**
 * @module @cloudlink/providers/gcp — the GcpConnector (Workload Identity Federation test:
 * STS token exchange → generateAccessToken → projects.get) on google-auth-library, and GCP Cloud DNS
 * as a DnsProvider (`createCloudDnsProvider`, REST v1 through the shared HTTP layer).
 */
export { createGcpConnector } from './connector.js';
export type { GcpConnectorOptions } from './connector.js';
export { CloudlinkAuthClient } from './credentials.js';
export type { CloudlinkAuthClientOptions } from './credentials.js';
export type { CredentialsSource, CloudlinkCredentialsTarget } from '../shared/credentials-source.js';
export { CLOUDDNS_FEATURES, DEFAULT_CLOUDDNS_BASE_URL, createCloudDnsProvider, fromRrset, managedZoneNameFor, planCloudDnsChanges, toRrset } from './clouddns/index.js';
export type { ChangeCall, CloudDnsManagedZone, CloudDnsPlan, CloudDnsProviderOptions, CloudDnsRrset } from './clouddns/index.js';
