export { createAzureDnsProvider } from './provider.js';
export type { AzureDnsProviderOptions } from './provider.js';
export { AZUREDNS_FEATURES, fromAzureRecordSet, toAzureRecordSet, txtChunks, txtFromChunks, azureRelativeName, canonicalName } from './records.js';
export { decideWrite } from './changes.js';
