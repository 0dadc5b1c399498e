/** @module testing/storage — the in-memory reference Storage, its raw reader and the storage conformance suite. */
export { createMemoryStorage } from './memory-storage.js';
export type { MemoryStorage, MemoryStorageOptions } from './memory-storage.js';
export { PEEK_TABLES } from './peek.js';
export type { PeekTable, StoragePeek } from './peek.js';
