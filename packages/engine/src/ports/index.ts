/** @module ports — the small interfaces the engine talks to; implementations live elsewhere. */
export * from './storage.js';
export * from './storage-guards.js';
export * from './runtime.js';
export * from './secret-box.js';
export * from './access.js';
export * from './provider-error.js';
export * from './cloud.js';
export * from './dns.js';
export * from './job-queue.js';
export * from './storage-scopes.js';
