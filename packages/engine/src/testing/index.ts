/**
 * @module @cloudlink/engine/testing — in-memory reference implementations of every port, provider
 * stand-ins for the engine's unit tests and the conformance suites. Not for production.
 */
export * from './storage/index.js';
export * from './cloud/index.js';
export * from './dns/index.js';
