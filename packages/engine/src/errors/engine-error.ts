/** Every engine error code; each maps to one HTTP status and one tRPC code in `codes.ts`. */
export const ENGINE_ERROR_CODES = [
  'VALIDATION',
  'PRECONDITION',
  'CONNECTION_TEST_FAILED',
  'INVALID_TOKEN',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PLAN_LIMIT',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'PROVIDER_FAILURE',
  'PROVIDER_UNAVAILABLE',
  'INTERNAL',
] as const;
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

/** One issue of a validation failure: dotted path with indexes (`records[3].values[0]`) and the problem. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export interface EngineErrorOptions extends ErrorOptions {
  readonly details?: readonly ValidationIssue[];
  readonly data?: unknown;
  readonly currentValue?: number;
  readonly limit?: number;
  readonly upgradeRequired?: boolean;
  /** Seconds; adapters send it as `Retry-After`. */
  readonly retryAfter?: number;
}

const BRAND = Symbol.for('@cloudlink/engine:error');

/**
 * The one error type the engine throws on purpose. `error` is the documented short type
 * (docs/errors.md, e.g. `Cloud connection not found`), `message` the documented text. Adapters turn it
 * into `{ error, message, ...extras }` with the status from `ERROR_CODE_TABLE`.
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: EngineErrorCode;
  readonly error: string;
  readonly details?: readonly ValidationIssue[];
  readonly data?: unknown;
  readonly currentValue?: number;
  readonly limit?: number;
  readonly upgradeRequired?: boolean;
  readonly retryAfter?: number;
  readonly [BRAND] = true;

  constructor(code: EngineErrorCode, error: string, message: string, options: EngineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.error = error;
    if (options.details !== undefined) this.details = options.details;
    if (options.data !== undefined) this.data = options.data;
    if (options.currentValue !== undefined) this.currentValue = options.currentValue;
    if (options.limit !== undefined) this.limit = options.limit;
    if (options.upgradeRequired !== undefined) this.upgradeRequired = options.upgradeRequired;
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }

  /** The documented JSON error body (see docs/errors.md): `{ error, message }` plus the extras that are set. */
  toBody(): ErrorBody {
    const body: ErrorBody = { error: this.error, message: this.message };
    if (this.details !== undefined) body.details = this.details;
    if (this.currentValue !== undefined) body.currentValue = this.currentValue;
    if (this.limit !== undefined) body.limit = this.limit;
    if (this.upgradeRequired !== undefined) body.upgradeRequired = this.upgradeRequired;
    if (this.data !== undefined) body.data = this.data;
    return body;
  }
}

/** The REST error body; tRPC carries the same object in `data.cloudlink`. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: readonly ValidationIssue[];
  currentValue?: number;
  limit?: number;
  upgradeRequired?: boolean;
  data?: unknown;
}

/** Brand check rather than `instanceof`: ESM and CJS builds may load two copies of the engine. */
export function isEngineError(e: unknown): e is EngineError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
