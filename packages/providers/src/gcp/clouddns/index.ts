/** @module @cloudlink/providers/gcp (clouddns) — GCP Cloud DNS as a DnsProvider over its REST API v1. */
export { DEFAULT_CLOUDDNS_BASE_URL, createCloudDnsProvider } from './clouddns-provider.js';
export type { CloudDnsProviderOptions } from './clouddns-provider.js';
export { CLOUDDNS_FEATURES, fromRrset, managedZoneNameFor, toRrset } from './clouddns-records.js';
export type { CloudDnsManagedZone, CloudDnsRrset } from './clouddns-records.js';
export { planCloudDnsChanges } from './clouddns-batches.js';
export type { ChangeCall, CloudDnsPlan } from './clouddns-batches.js';
