/**
 * @module @cloudlink/providers/azure — the AzureConnector (Entra ID client-credentials token →
 * ARM subscriptions.get) on @azure/identity, and Azure DNS as a DnsProvider on @azure/arm-dns.
 */
export { createAzureConnector } from './connector.js';
export type { AzureConnectorOptions } from './connector.js';
export type { AzureTlsOptions } from './http-client.js';
export { CloudlinkTokenCredential } from './credentials.js';
export type { CredentialsSource, CloudlinkCredentialsTarget } from '../shared/credentials-source.js';
export { AZUREDNS_FEATURES, createAzureDnsProvider } from './dns/index.js';
export type { AzureDnsProviderOptions } from './dns/index.js';
