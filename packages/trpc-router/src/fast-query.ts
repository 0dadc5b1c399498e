import type { IncomingMessage, ServerResponse } from 'node:http';
import { callTRPCProcedure, getErrorShape, getTRPCErrorFromUnknown, transformTRPCResponse, TRPCError } from '@trpc/server';
import type { AnyTRPCProcedure, AnyTRPCRouter } from '@trpc/server';
import type { ResponseMeta, TRPCRequestInfo } from '@trpc/server/http';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { CloudlinkContext } from './context.js';

/**
 * The fast path below answers exactly what tRPC's Node adapter (`nodeHTTPRequestHandler` →
 * `resolveResponse`, @trpc/server 11.25.2) answers for one request shape, using tRPC's public
 * pieces for everything that decides the answer (the procedure call, error shape, HTTP status,
 * transformer). It exists because that adapter turns every call into a WHATWG Request, several
 * AbortSignals and a streamed Response: more CPU than the engine's own read. Anything it is not
 * sure about goes to the adapter; test/fast-query.test.ts compares both answers.
 */

type RequestSide = Pick<IncomingMessage, 'headers' | 'method' | 'once' | 'off'>;

/** The `responseMeta` tRPC takes, narrowed to what the fast path passes. */
export type FastResponseMeta = (opts: {
  data: unknown[];
  ctx?: CloudlinkContext;
  paths: readonly string[] | undefined;
  info: TRPCRequestInfo | undefined;
  type: 'query';
  errors: TRPCError[];
  eagerGeneration: boolean;
}) => ResponseMeta;

export interface FastQueryOptions<TRequest extends IncomingMessage> {
  readonly router: AnyTRPCRouter;
  readonly createContext: (opts: { req: TRequest; res: ServerResponse; info: TRPCRequestInfo }) => Promise<CloudlinkContext>;
  readonly responseMeta?: FastResponseMeta;
  readonly onError?: (opts: { error: TRPCError; path: string | undefined; input: unknown; ctx: CloudlinkContext | undefined; type: 'query'; req: TRequest }) => void;
}

/**
 * Takes the request (returns `true`, answers asynchronously) or leaves it to tRPC's adapter
 * (`false`, nothing read, nothing written). `failed` handles a throw while answering, as the
 * adapter's `internal_exceptionHandler` does.
 */
export type FastQuery<TRequest extends IncomingMessage> = (req: TRequest, res: ServerResponse, path: string, url: URL, failed: (cause: unknown) => void) => boolean;

/** What tRPC sends with every answer of `resolveResponse`, in the order it writes them. */
const BASE_HEADERS: readonly (readonly [string, string])[] = [
  ['content-type', 'application/json'],
  ['vary', 'trpc-accept, accept'],
];

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && !Array.isArray(value) && typeof value === 'object';
}

function isPromiseLike(value: unknown): boolean {
  return (isObject(value) || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function' && typeof (value as { catch?: unknown }).catch === 'function';
}

function isAsyncIterable(value: unknown): boolean {
  return isObject(value) && Symbol.asyncIterator in value;
}

/** tRPC's own test (`isDataStream`): a result a non-streaming answer refuses with 415. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromiseLike) || values.some(isAsyncIterable);
}

/** Aborts when the client leaves before the answer is written, as the adapter's request signal does. */
function requestSignal(req: RequestSide, res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const onAbort = (): void => {
    res.off('close', onClose);
    req.off('aborted', onAbort);
    controller.abort();
  };
  const onClose = (): void => {
    if (res.writableEnded) {
      req.off('aborted', onAbort);
      return;
    }
    onAbort();
  };
  res.once('close', onClose);
  req.once('aborted', onAbort);
  return controller.signal;
}

/**
 * The fast path for the commonest call: one (non-batch) GET of a query procedure, no body, no
 * streaming `Accept`, no connection params, JSON `?input=` that parses. Everything else, and any
 * router whose paths are not plain dotted names, goes to tRPC.
 */
export function createFastQuery<TRequest extends IncomingMessage>(options: FastQueryOptions<TRequest>): FastQuery<TRequest> {
  const { router, createContext, responseMeta, onError } = options;
  const config = router._def._config;
  const queries = new Map<string, AnyTRPCProcedure>();
  // tRPC maps URL paths with a custom separator; the cloudlink router uses the default '.'.
  const separator = (config as { pathSeparator?: string }).pathSeparator ?? '.';
  if (separator === '.') {
    for (const [path, procedure] of Object.entries(router._def.procedures as Record<string, AnyTRPCProcedure>)) {
      // Only names tRPC's `decodeURIComponent` leaves unchanged, so the URL segment is the path.
      if (procedure._def.type === 'query' && /^[\w.-]+$/.test(path)) queries.set(path, procedure);
    }
  }

  /** Status and headers, as tRPC's `initResponse` computes them (responseMeta may add headers or a status). */
  function head(ctx: CloudlinkContext | undefined, info: TRPCRequestInfo, path: string, data: unknown[], errors: TRPCError[]) {
    let status = getHTTPStatusCode(data as Parameters<typeof getHTTPStatusCode>[0], errors);
    const meta = responseMeta?.({ ctx, info, paths: [path], data, errors, eagerGeneration: false, type: 'query' }) ?? {};
    let headers: Headers | undefined;
    if (meta.headers) {
      // The rare case (an error asking for Retry-After, a host's caching headers): merge exactly as tRPC does.
      headers = new Headers(BASE_HEADERS as [string, string][]);
      if (meta.headers instanceof Headers) for (const [key, value] of meta.headers.entries()) headers.append(key, value);
      else
        for (const [key, value] of Object.entries(meta.headers)) {
          if (Array.isArray(value)) for (const v of value) headers.append(key, v);
          else if (typeof value === 'string') headers.set(key, value);
        }
    }
    if (meta.status) status = meta.status;
    return { status, headers };
  }

  /** Write the answer as tRPC's `writeResponse` does (in one piece: the body is already a string). */
  function send(res: ServerResponse, status: number, headers: Headers | undefined, body: string): void {
    if (res.statusCode === 200) res.statusCode = status;
    if (headers) {
      for (const [key, value] of headers) if (key !== 'set-cookie') res.setHeader(key, value);
      const cookies = headers.getSetCookie();
      if (cookies.length > 0) res.setHeader('set-cookie', cookies);
    } else {
      for (const [key, value] of BASE_HEADERS) res.setHeader(key, value);
    }
    res.end(body);
  }

  async function answer(req: TRequest, res: ServerResponse, path: string, procedure: AnyTRPCProcedure, url: URL, input: unknown): Promise<void> {
    const signal = requestSignal(req, res);
    let read = false;
    const getRawInput = async (): Promise<unknown> => {
      read = true;
      return input;
    };
    // Like tRPC's memo: the input is known to error handlers only once the procedure read it.
    const result = (): unknown => (read ? input : undefined);
    const info: TRPCRequestInfo = {
      accept: null,
      type: 'query',
      isBatchCall: false,
      calls: [{ batchIndex: 0, path, procedure, getRawInput, result }],
      connectionParams: null,
      signal,
      url,
    };
    let ctx: CloudlinkContext | undefined;
    try {
      let error: TRPCError | undefined;
      let data: unknown;
      try {
        // A failing createContext fails the call (not the request), as in resolveResponse.
        ctx = await createContext({ req, res, info });
        data = await callTRPCProcedure({ router, path, getRawInput, ctx, type: 'query', signal, batchIndex: 0 });
      } catch (cause) {
        error = getTRPCErrorFromUnknown(cause);
        onError?.({ error, path, input: result(), ctx, type: 'query', req });
      }
      if (isDataStream(data)) {
        throw new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink' });
      }
      const json = error ? { error: getErrorShape({ config, ctx, error, input: result(), path, type: 'query' }) } : { result: { data } };
      const { status, headers } = head(ctx, info, path, [json], error ? [error] : []);
      send(res, status, headers, JSON.stringify(transformTRPCResponse(config, json)));
    } catch (cause) {
      // resolveResponse's last resort (`caughtErrorToData`): no path nor input.
      const error = getTRPCErrorFromUnknown(cause);
      onError?.({ error, path: undefined, input: undefined, ctx, type: 'query', req });
      const json = { error: getErrorShape({ config, ctx, error, input: undefined, path: undefined, type: 'query' }) };
      const body = JSON.stringify(transformTRPCResponse(config, json));
      const { status, headers } = head(ctx, info, path, [json], [error]);
      send(res, status, headers, body);
    }
  }

  return (req, res, path, url, failed) => {
    if (req.method !== 'GET') return false;
    const procedure = queries.get(path);
    if (procedure === undefined) return false;
    const { headers } = req;
    // A GET with a form/stream Content-Type, or asking for a streamed answer, gets tRPC's own refusal.
    if (headers['content-type'] !== undefined || headers['trpc-accept'] !== undefined) return false;
    if (headers.accept?.includes('jsonl')) return false;
    const search = url.searchParams;
    if (search.has('batch') || search.has('connectionParams')) return false;
    const raw = search.get('input');
    let input: unknown;
    if (raw) {
      try {
        input = config.transformer.input.deserialize(JSON.parse(raw));
      } catch {
        // tRPC answers malformed input itself (BAD_REQUEST with the parser's error as cause).
        return false;
      }
    }
    answer(req, res, path, procedure, url, input).catch(failed);
    return true;
  };
}
