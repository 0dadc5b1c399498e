import type { EngineErrorCode } from './engine-error.js';

/** tRPC error codes used by the table; typed locally so the engine does not import @trpc/server. */
export type TrpcErrorCodeKey =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BAD_GATEWAY'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** The one mapping from engine error codes to transports (see docs/errors.md). Nothing else maps errors. */
export const ERROR_CODE_TABLE: { readonly [C in EngineErrorCode]: { readonly http: number; readonly trpc: TrpcErrorCodeKey } } = {
  VALIDATION: { http: 400, trpc: 'BAD_REQUEST' },
  PRECONDITION: { http: 400, trpc: 'BAD_REQUEST' },
  CONNECTION_TEST_FAILED: { http: 400, trpc: 'BAD_REQUEST' },
  INVALID_TOKEN: { http: 400, trpc: 'BAD_REQUEST' },
  UNAUTHENTICATED: { http: 401, trpc: 'UNAUTHORIZED' },
  FORBIDDEN: { http: 403, trpc: 'FORBIDDEN' },
  PLAN_LIMIT: { http: 403, trpc: 'FORBIDDEN' },
  NOT_FOUND: { http: 404, trpc: 'NOT_FOUND' },
  CONFLICT: { http: 409, trpc: 'CONFLICT' },
  PAYLOAD_TOO_LARGE: { http: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, trpc: 'UNSUPPORTED_MEDIA_TYPE' },
  PROVIDER_FAILURE: { http: 502, trpc: 'BAD_GATEWAY' },
  PROVIDER_UNAVAILABLE: { http: 503, trpc: 'SERVICE_UNAVAILABLE' },
  INTERNAL: { http: 500, trpc: 'INTERNAL_SERVER_ERROR' },
};
