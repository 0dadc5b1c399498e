/**
 * @module @cloudlink/engine/conformance — the storage conformance suite. A subpath of its own
 * because it imports vitest (an optional peer): `@cloudlink/engine/testing` stays loadable in
 * production (sandbox mode uses its stand-ins) where vitest is not installed.
 */
export { describeStorageConformance, storageConformanceHelpers } from '../testing/storage/conformance/index.js';
export type {
  CreateStorage,
  StorageConformanceContext,
  StorageConformanceOptions,
  StorageUnderTest,
} from '../testing/storage/conformance/index.js';
