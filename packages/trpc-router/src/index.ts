/**
 * @module @cloudlink/trpc-router — a tRPC v11 router over a cloudlink engine, typed end to end for
 * `@trpc/client`.
 */
export { createCloudlinkRouter } from './router.js';
export type { CloudlinkRouter, CloudlinkRouterOptions, CloudlinkRouterWithCredentials, CloudlinkCredentialsProcedures, CloudlinkErrorShape, CloudlinkErrorData } from './router.js';
export type { CloudlinkContext } from './context.js';
export type { OperationInput, OperationOutput } from './engine-types.js';
export { toTrpcError, cloudlinkBodyOf, cloudlinkResponseMeta } from './errors.js';
export { createCloudlinkTrpcHandler, cloudlinkTrpcLimits, DEFAULT_MAX_BATCH_SIZE } from './mount.js';
export type { CloudlinkTrpcHandler, CloudlinkTrpcHandlerOptions } from './mount.js';
