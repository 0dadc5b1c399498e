import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { ERROR_CODE_TABLE, internalError, invalidField, isEngineError, payloadTooLarge, unsupportedMediaType } from '@cloudlink/engine';
import type { ErrorBody, TrpcErrorCodeKey } from '@cloudlink/engine';

// The engine types its tRPC codes locally (no @trpc/server import there); check them here.
type _EngineCodesAreTrpcCodes = TrpcErrorCodeKey extends TRPC_ERROR_CODE_KEY ? true : never;
export const ENGINE_CODES_ARE_TRPC_CODES: _EngineCodesAreTrpcCodes = true;

/**
 * Turn whatever a procedure threw into a `TRPCError`: an `EngineError` keeps its message and gets
 * the code of `ERROR_CODE_TABLE`; anything else becomes the generic internal error (its own message
 * could leak details), with the original as `cause` for `onError` logging.
 */
export function toTrpcError(thrown: unknown): TRPCError {
  // tRPC wraps a non-TRPCError thrown by a resolver in an INTERNAL_SERVER_ERROR with it as `cause`.
  const inner = thrown instanceof TRPCError ? thrown.cause : thrown;
  if (isEngineError(inner)) return new TRPCError({ code: ERROR_CODE_TABLE[inner.code].trpc, message: inner.message, cause: inner });
  if (thrown instanceof TRPCError && thrown.code !== 'INTERNAL_SERVER_ERROR') return thrown;
  const internal = internalError(inner ?? thrown);
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: internal.message, cause: internal });
}

const TITLES: Partial<Record<TRPC_ERROR_CODE_KEY, string>> = {
  NOT_FOUND: 'Not found',
  BAD_REQUEST: 'Bad request',
  PARSE_ERROR: 'Bad request',
  METHOD_NOT_SUPPORTED: 'Method not supported',
  UNAUTHORIZED: 'Unauthorized',
  FORBIDDEN: 'Forbidden',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
};

/**
 * tRPC's own transport errors that REST answers with a documented body: the same body here, so a
 * host mounting the router with only `maxBodySize` still gets the documented 413 (tRPC's message
 * is just the code) and 415 (tRPC's names the Content-Type it refused).
 */
const TRANSPORT_BODIES: Partial<Record<TRPC_ERROR_CODE_KEY, () => ErrorBody>> = {
  PAYLOAD_TOO_LARGE: () => payloadTooLarge().toBody(),
  UNSUPPORTED_MEDIA_TYPE: () => unsupportedMediaType().toBody(),
};

/**
 * The REST error body of a tRPC error (carried as `data.cloudlink`, see docs/errors.md): the engine's own
 * body when it came from the engine; the generic 500 body for anything unexpected; the documented
 * body of a 413/415 tRPC raised itself; otherwise (tRPC's own errors, e.g. an unknown procedure)
 * `{ error: <title>, message }`.
 */
export function cloudlinkBodyOf(error: TRPCError): ErrorBody {
  const cause = error.cause;
  if (isEngineError(cause)) return cause.toBody();
  if (error.code === 'INTERNAL_SERVER_ERROR') return internalError().toBody();
  const transport = TRANSPORT_BODIES[error.code];
  if (transport) return transport();
  // tRPC's JSON.parse of the body or `?input=` failed: REST's 400 for malformed JSON, not the parser's text.
  if (error.code === 'BAD_REQUEST' && error.cause instanceof SyntaxError) return invalidField('input', 'malformed JSON').toBody();
  return { error: TITLES[error.code] ?? error.code, message: error.message };
}

/** Seconds to wait before retrying, when the engine said so (REST sends it as `Retry-After`). */
export function retryAfterOf(error: TRPCError): number | undefined {
  return isEngineError(error.cause) ? error.cause.retryAfter : undefined;
}

/**
 * A `responseMeta` for any tRPC adapter: sets `Retry-After` (the longest any failed procedure of
 * the response asked for) so tRPC clients and proxies see the same header as REST clients.
 * `createExpressMiddleware({ router, createContext, responseMeta: cloudlinkResponseMeta })`.
 */
export function cloudlinkResponseMeta(opts: { readonly errors: readonly TRPCError[] }): { headers?: Record<string, string> } {
  const waits = opts.errors.map(retryAfterOf).filter((s): s is number => s !== undefined);
  if (waits.length === 0) return {};
  return { headers: { 'retry-after': String(Math.max(0, Math.ceil(Math.max(...waits)))) } };
}
