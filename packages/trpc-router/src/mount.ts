import type { IncomingMessage, ServerResponse } from 'node:http';
import { createURL, internal_exceptionHandler, nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { TRPCError } from '@trpc/server';
import type { TRPCRequestInfo } from '@trpc/server/http';
import { batchTooLarge, MAX_BODY_BYTES, MAX_URL_BYTES, REQUEST_ID_HEADER, requestIdOf, unsupportedMediaType, urlTooLong } from '@cloudlink/engine';
import type { Engine, EngineError } from '@cloudlink/engine';
import type { CloudlinkContext } from './context.js';
import { cloudlinkResponseMeta, toTrpcError } from './errors.js';
import { createFastQuery } from './fast-query.js';
import { createCloudlinkRouter, type CloudlinkRouter } from './router.js';

/** Calls one batched request may carry by default: enough for a page's `httpBatchLink` burst. */
export const DEFAULT_MAX_BATCH_SIZE = 10;

/**
 * The limits to give any tRPC adapter that serves the cloudlink router (spread them into
 * `createExpressMiddleware`, `createHTTPHandler`, `fastifyTRPCPlugin`'s `trpcOptions`): the same 5 MB
 * body cap as REST and at most 10 calls per batch. Without them tRPC reads bodies of any size and
 * batches of any length.
 */
export const cloudlinkTrpcLimits = {
  maxBodySize: MAX_BODY_BYTES,
  maxBatchSize: DEFAULT_MAX_BATCH_SIZE,
  allowBatching: true,
} as const;

export interface CloudlinkTrpcHandlerOptions<TRequest extends IncomingMessage> {
  readonly engine: Engine;
  /** The host's authentication: `{ actor }`, `actor: null` → `UNAUTHORIZED` on every procedure. */
  readonly createContext: (opts: { req: TRequest; res: ServerResponse; info: TRPCRequestInfo }) => CloudlinkContext | Promise<CloudlinkContext>;
  /** Calls per batch (default 10); `1` turns batching off (a batch then answers 400). */
  readonly maxBatchSize?: number;
  /** Serve the opt-in `credentials.issue` too (default off; see `CloudlinkRouterOptions.credentials`, docs/credentials.md). */
  readonly credentials?: boolean;
  /** Check every result against its documented schema (see `CloudlinkRouterOptions.validateOutput`; default on unless `NODE_ENV=production`). */
  readonly validateOutput?: boolean;
  /** Called with every error (tRPC's `onError`); log `error.cause` of `INTERNAL_SERVER_ERROR`s. */
  readonly onError?: (opts: { error: TRPCError; path: string | undefined; req: TRequest }) => void;
}

/** A Connect-style handler: `app.use('/trpc', handler)` in Express, or `http.createServer(handler)`. */
export type CloudlinkTrpcHandler<TRequest extends IncomingMessage> = (req: TRequest, res: ServerResponse, next?: (err?: unknown) => void) => void;

const JSON_TYPE = /^application\/json\s*(?:;|$)/i;

/** The URL as the client sent it (Express strips its mount path from `req.url`). */
function fullUrl(req: IncomingMessage): string {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
}

/** What to refuse before tRPC reads anything, or `undefined`. */
function refusal(req: IncomingMessage, url: URL, procedures: string, maxBatchSize: number): EngineError | undefined {
  // Node's default 16 KB header limit already counts the request line; this holds the same bound
  // when a host raises --max-http-header-size, since a GET query carries its input in the URL.
  if (Buffer.byteLength(fullUrl(req)) > MAX_URL_BYTES) return urlTooLong();
  if (url.searchParams.get('batch') === '1' && procedures.split(',').length > maxBatchSize) return batchTooLarge(maxBatchSize);
  // tRPC would also read multipart/form-data and octet-stream bodies, which an HTML form can send
  // cross-site without a preflight; the cloudlink procedures only take JSON.
  if (req.method === 'POST' && !JSON_TYPE.test(req.headers['content-type'] ?? '')) return unsupportedMediaType();
  return undefined;
}

/**
 * The cloudlink tRPC router behind a Node handler with safe limits: bodies over 5 MB → 413, URLs
 * over 16 KB → 413, more than `maxBatchSize` calls in a batch → 400, a POST whose body is not JSON →
 * 415 (each with its REST body in `data.cloudlink`), plus `Retry-After` like REST.
 */
export function createCloudlinkTrpcHandler<TRequest extends IncomingMessage = IncomingMessage>(
  options: CloudlinkTrpcHandlerOptions<TRequest>,
): CloudlinkTrpcHandler<TRequest> {
  const router: CloudlinkRouter = createCloudlinkRouter({
    engine: options.engine,
    ...(options.credentials === true ? { credentials: true } : {}),
    ...(options.validateOutput === undefined ? {} : { validateOutput: options.validateOutput }),
  });
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) throw new TypeError('createCloudlinkTrpcHandler: maxBatchSize must be a positive integer');
  const shared = {
    router,
    createContext: async ({ req, res, info }: { req: TRequest; res: ServerResponse; info: TRPCRequestInfo }): Promise<CloudlinkContext> => {
      const context = await options.createContext({ req, res, info });
      const requestId = String(res.getHeader(REQUEST_ID_HEADER));
      // The host's own request id wins; otherwise the one chosen for this request (see docs/audit.md).
      return context.actor && context.actor.requestId === undefined ? { ...context, actor: { ...context.actor, requestId } } : context;
    },
    maxBodySize: cloudlinkTrpcLimits.maxBodySize,
    maxBatchSize,
    allowBatching: maxBatchSize > 1,
    responseMeta: cloudlinkResponseMeta,
    ...(options.onError ? { onError: options.onError } : {}),
  };
  // A single GET of a query (the bulk of reads) skips the adapter's WHATWG Request/Response
  // round trip; it answers the same bytes, and leaves every other request to the adapter.
  const fastQuery = createFastQuery<TRequest>(shared);
  return (req, res) => {
    // One request id per HTTP request (a batch shares it), echoed on every answer, refusals included.
    // The host's middleware may have chosen it already (one id on its log lines and the audit).
    res.setHeader(REQUEST_ID_HEADER, requestIdOf(res.getHeader(REQUEST_ID_HEADER), req.headers['x-request-id']));
    // The URL as the adapter builds it (scheme and Host); a Host it refuses leaves the call to it.
    let trpcUrl: URL | undefined;
    try {
      trpcUrl = createURL(req);
    } catch {
      trpcUrl = undefined;
    }
    const url = trpcUrl ?? new URL(req.url ?? '/', 'http://localhost');
    // The procedure path is the last segment, as tRPC's own Express adapter takes it.
    const path = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    const refused = refusal(req, url, path, maxBatchSize);
    if (refused) {
      res.setHeader('content-type', 'application/json');
      // One error, formatted by the router (data.cloudlink), without reading the body.
      internal_exceptionHandler({ ...shared, req, res, path })(toTrpcError(refused));
      return;
    }
    if (trpcUrl && fastQuery(req, res, path, trpcUrl, (cause) => internal_exceptionHandler({ ...shared, req, res, path })(cause))) return;
    void nodeHTTPRequestHandler({ ...shared, req, res, path });
  };
}
