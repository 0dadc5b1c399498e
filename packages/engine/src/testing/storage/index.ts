/** @module testing/storage — the in-memory reference Storage, its raw reader, test runtime (its conformance suite is exported beside it from `@cloudlink/engine/testing`). */
export { createMemoryStorage } from './memory-storage.js';
export type { MemoryStorage, MemoryStorageOptions } from './memory-storage.js';
export { PEEK_TABLES } from './peek.js';
export type { PeekTable, StoragePeek } from './peek.js';
export { createFakeClock, createSeededRandom, FAKE_CLOCK_START } from './fake-runtime.js';
export type { FakeClock } from './fake-runtime.js';
export { createTestSecretBox, TEST_ENCRYPTION_KEY } from './test-secret-box.js';
