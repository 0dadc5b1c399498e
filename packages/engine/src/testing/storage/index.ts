/** @module testing/storage — the in-memory reference Storage, its raw reader, test runtime and the storage conformance suite. */
export { createMemoryStorage } from './memory-storage.js';
export type { MemoryStorage, MemoryStorageOptions } from './memory-storage.js';
export { PEEK_TABLES } from './peek.js';
export type { PeekTable, StoragePeek } from './peek.js';
export { createFakeClock, createSeededRandom, FAKE_CLOCK_START } from './fake-runtime.js';
export type { FakeClock } from './fake-runtime.js';
export { createTestSecretBox, TEST_ENCRYPTION_KEY } from './test-secret-box.js';
export { describeStorageConformance, storageConformanceHelpers } from './conformance/index.js';
export type { CreateStorage, StorageConformanceContext, StorageConformanceOptions, StorageUnderTest } from './conformance/index.js';
