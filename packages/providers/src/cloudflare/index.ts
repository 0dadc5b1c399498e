/** @module @cloudlink/providers/cloudflare — Cloudflare as a DnsProvider, on the `cloudflare` SDK; zones are imported, never created. */
export { CLOUDFLARE_API_VERSION, DEFAULT_CLOUDFLARE_API_BASE_URL, cloudflareOptionsFromEnv, createCloudflareProvider } from './cloudflare-provider.js';
export type { CloudflareProviderOptions } from './cloudflare-provider.js';
export { CLOUDFLARE_FEATURES, CLOUDFLARE_TYPES, quoteTxt, toCloudflareRecord, toRecordSet, wireValueOf } from './cloudflare-records.js';
export type { CloudflareRecord, CloudflareRecordInput } from './cloudflare-records.js';
export { CLOUDFLARE_STATUS_KINDS } from './cloudflare-errors.js';
