/** @module retry — the one backoff policy every provider call uses (SPEC §4.1). */
export { DEFAULT_RETRY_POLICY, withRetry } from './retry.js';
export type { ReadBackVerdict, RetryOptions, RetryPolicy } from './retry.js';
