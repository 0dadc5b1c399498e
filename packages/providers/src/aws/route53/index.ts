/** @module @cloudlink/providers/aws/route53 — Route 53 as a DnsProvider, on `@aws-sdk/client-route-53`. */
export { createRoute53Provider } from './route53-provider.js';
export type { Route53ProviderOptions } from './route53-provider.js';
export { ROUTE53_FEATURES, fromRoute53RecordSet, toRoute53RecordSet, decodeRoute53Name } from './route53-records.js';
export { ROUTE53_ERROR_KINDS } from './route53-errors.js';
export { planChangeBatches } from './route53-batches.js';
export type { ChangeBatch } from './route53-batches.js';
