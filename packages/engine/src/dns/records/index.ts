/**
 * @module dns/records — the one record model (see docs/records.md): names, values per type, TXT quoting,
 * whole-request parsing. Pure functions; no I/O.
 */
export {
  absoluteName,
  compareRecordSets,
  normalizeDomainName,
  normalizeHostname,
  normalizeRecordName,
  relativeName,
  routeOrderKey,
  toFqdn,
  withoutRootDot,
} from './names.js';
export type { RecordNameResult } from './names.js';
export { ALIAS_TYPES, PROXIABLE_TYPES, PROXIED_TTL } from './alias-item.js';
export type { RecordZone } from './alias-item.js';
export { awsAliasTarget, CLOUDFRONT_HOSTED_ZONE_ID, MAX_HOSTED_ZONE_ID_LENGTH } from './aws-alias-targets.js';
export type { AwsAliasService, AwsAliasTargetResult } from './aws-alias-targets.js';
export { createWindowSelector, recordSetOrderKey, windowInOrder } from './record-window.js';
export { normalizeRecordValue } from './values.js';
export { MAX_NAME_LENGTH, MAX_TXT_VALUE_LENGTH, MAX_VALUE_LENGTH, maxValueLength } from './limits.js';
export type { ValueResult } from './values.js';
export { normalizeTxt, parseTxtStrings, txtText, txtWireForm, TXT_WIRE_LIMIT } from './txt.js';
export type { TxtResult } from './txt.js';
export {
  checkRecordItem,
  DEFAULT_TTL,
  MAX_BATCH,
  MAX_TTL,
  MAX_VALUES,
  normalizeRecordSet,
  parseRecordsRequest,
  sameValues,
} from './record-set.js';
export type { CheckOptions, RecordItemInput, RecordsRequest } from './record-set.js';
