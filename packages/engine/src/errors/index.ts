/** @module errors — the engine's one error type, its documented factories and the transport table. */
export { EngineError, ENGINE_ERROR_CODES, isEngineError } from './engine-error.js';
export type { EngineErrorCode, EngineErrorOptions, ErrorBody, ValidationIssue } from './engine-error.js';
export { ERROR_CODE_TABLE } from './codes.js';
export type { TrpcErrorCodeKey } from './codes.js';
export * from './errors.js';
