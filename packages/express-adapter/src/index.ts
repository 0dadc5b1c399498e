/**
 * @module @cloudlink/express-adapter — an Express router reproducing the documented cloudlink REST
 * API over an engine, plus the OpenAPI document of its routes.
 */
export { createCloudlinkRestRouter } from './rest-router.js';
export type { Authenticate, CloudlinkRestRouterOptions } from './rest-router.js';
export { createOpenApiDocument, OPERATION_SCHEMAS } from './openapi.js';
export type { OpenApiOptions, OperationSchemas } from './openapi.js';
export { REST_ROUTES } from './routes.js';
export type { RestRoute, RestOperation, HttpMethod, QueryParam } from './routes.js';
export { createErrorHandler } from './error-handler.js';
export { MAX_BODY_BYTES } from './body.js';
export { requireSameOrigin } from './same-origin.js';
export type { SameOriginOptions } from './same-origin.js';
