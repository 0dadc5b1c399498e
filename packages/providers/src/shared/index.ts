/**
 * @module shared — small helpers every provider implementation uses for the outbound-call rules of
 * docs/provider-calls.md (deadline, no redirects, retries, Retry-After, error text). Internal to
 * `@cloudlink/providers`; not a public subpath.
 */
export { fetchWithDeadline, readBodyText, startDeadline } from './http.js';
export type { CallDeadline, FetchWithDeadlineOptions } from './http.js';
export { flattenText, redactSecrets } from './text.js';
export { parseRetryAfter } from './retry-after.js';
export { kindOfStatus, networkCode, parseErrorBody, redirectFailure, transportFailure, withApplyProgress } from './errors.js';
export type { CallSite } from './errors.js';
export { DEFAULT_TIMEOUT_MS, resolveCallPolicy, retryOptionsOf, retryStep, throwIfCallerAborted } from './options.js';
export type { CallPolicy, CallPolicyOptions, ResendRule } from './options.js';
export { readJson, sendAttempt } from './http-step.js';
export type { HttpAttempt, StatusClassifier } from './http-step.js';
export { once } from './once.js';
export { capabilitiesOf } from './capabilities.js';
