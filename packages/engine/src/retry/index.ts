/** @module retry — the one backoff policy every provider call uses (see docs/batching.md). */
export { DEFAULT_RETRY_POLICY, withRetry } from './retry.js';
export type { ReadBackVerdict, RetryOptions, RetryPolicy } from './retry.js';
