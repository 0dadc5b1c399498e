import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/**
 * Keys whose values never reach a log line, at any depth: credentials of every provider, tokens,
 * keys and the Authorization header. Matching by key name rather than by pino's path list because
 * the engine and the providers log objects whose shape this server does not know.
 */
const SECRET_KEY =
  /^(?:authorization|cookie|set-cookie|x-api-key|.*(?:token|secret|password|privatekey|private_key|apikey|api_key|accesskey|sessiontoken|credentials|encryptionkeys|signature))$/i;

const REDACTED = '[Redacted]';

/** Whether `obj` is flat (only primitive values) with no secret-named key: most lines, e.g. every access line. */
function flatAndClean(obj: object): boolean {
  for (const k in obj) {
    const v = (obj as Record<string, unknown>)[k];
    if ((v !== null && typeof v === 'object') || SECRET_KEY.test(k)) return false;
  }
  return true;
}

/** A copy of `value` with every secret-named key replaced; cycles and depth are bounded. */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > 8) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1, seen));
  if (value instanceof Error) {
    // `cause` and AggregateError's `errors` are own but not enumerable, so the spread misses them:
    // without this the root cause (ECONNREFUSED, the provider's answer) never reaches the log.
    // (An assigned `err.cause = …` is enumerable and already in `own`.)
    const { cause, errors } = value as { cause?: unknown; errors?: unknown };
    const own = redactSecrets({ ...value }, depth + 1, seen) as Record<string, unknown>;
    return {
      type: value.name,
      message: value.message,
      stack: value.stack,
      ...own,
      ...(cause !== undefined && !('cause' in own) && { cause: redactSecrets(cause, depth + 1, seen) }),
      ...(Array.isArray(errors) && !('errors' in own) && { errors: redactSecrets(errors, depth + 1, seen) }),
    };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redactSecrets(v, depth + 1, seen);
  }
  return out;
}

/**
 * The server's structured JSON logger (pino): every line passes through `redactSecrets`.
 * `destination` lets tests capture the lines.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): PinoLogger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'cloudlink' },
      // A flat line without secret-named keys needs no copy.
      formatters: { log: (obj) => (flatAndClean(obj) ? obj : (redactSecrets(obj) as Record<string, unknown>)) },
      serializers: { err: (e: unknown) => redactSecrets(e) },
    },
    // Asynchronous writes: a line never waits for stdout, and lines written while a write is in
    // flight go out together (one syscall under load instead of one per line). pino flushes what
    // is pending when the process exits.
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request id `requestLogging` chose for `req` (it echoes it on the response Express links to `req`). */
export function requestIdOf(req: IncomingMessage): string | undefined {
  const id = (req as { res?: ServerResponse }).res?.getHeader('X-Request-Id');
  return typeof id === 'string' ? id : undefined;
}

/**
 * Express middleware: take a well-formed `X-Request-Id` or make one, echo it on the response (where
 * the REST and tRPC adapters, the audit log and this server's error lines read it), and write one
 * access line when the response ends (plus, at `debug`, one when it arrives, so a request that
 * never ends can be told apart from one that never came). Neither headers nor bodies are logged
 * (they carry tokens and credentials).
 *
 * The id is passed explicitly rather than through an AsyncLocalStorage: on Node 20 entering one
 * turns on async hooks that then run for every promise the process creates, a cost every later
 * request pays (docs/performance.md).
 */
export function requestLogging(logger: PinoLogger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const reqId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', reqId);
    const started = process.hrtime.bigint();
    const path = req.originalUrl.split('?')[0];
    if (logger.isLevelEnabled('debug')) logger.debug({ reqId, method: req.method, path }, 'request received');
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = { reqId, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      if (res.statusCode >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request');
    });
    next();
  };
}
