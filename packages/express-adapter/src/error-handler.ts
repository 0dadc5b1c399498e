import type { ErrorRequestHandler } from 'express';
import { ERROR_CODE_TABLE, REQUEST_ID_HEADER, internalError, invalidField, isEngineError } from '@cloudlink/engine';
import type { Logger } from '@cloudlink/engine';

/**
 * The adapter's one error middleware (so every route answers errors alike; docs/errors.md): an `EngineError` becomes its documented body with
 * the status from `ERROR_CODE_TABLE` (+ `Retry-After` when the engine set `retryAfter`); anything
 * else becomes the generic 500 body, and only the log sees the cause.
 */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      // Too late for a body of our own; let Express close the connection.
      next(err);
      return;
    }
    let error = isEngineError(err) ? err : null;
    // Express's router decodes path parameters before any handler runs and throws a URIError
    // (status 400) for a malformed escape such as `%ZZ`: the client's mistake, not a 500.
    if (!error && err instanceof URIError) error = invalidField('path', 'malformed percent-encoding');
    // The request's id (echoed on every answer) ties the line to the access log and the audit log.
    const where = () => ({ reqId: res.getHeader(REQUEST_ID_HEADER), method: req.method, path: req.originalUrl.split('?')[0] });
    if (!error) {
      logger.error({ err, ...where() }, 'cloudlink: unexpected error');
      error = internalError(err);
    } else if (error.code === 'INTERNAL') {
      logger.error({ err: error.cause ?? error, ...where() }, 'cloudlink: internal error');
    }
    const status = ERROR_CODE_TABLE[error.code].http;
    if (error.retryAfter !== undefined) res.setHeader('Retry-After', String(Math.max(0, Math.ceil(error.retryAfter))));
    res.status(status).json(error.toBody());
  };
}

/** Default logger: errors to stderr (the 500 path must leave a trace somewhere), nothing else. */
export const stderrLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (obj, msg) => console.error(msg ?? 'cloudlink error', obj),
};
