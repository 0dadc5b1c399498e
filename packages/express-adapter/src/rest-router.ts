import express from 'express';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { REQUEST_ID_HEADER, RESERVED_PROJECT_SLUGS, requestIdOf, routeNotFound, unauthenticated } from '@cloudlink/engine';
import type { Actor, Engine, Logger } from '@cloudlink/engine';
import { hasMediaType, readJsonBody, readTextBody } from './body.js';
import { routeDispatcher, type DispatchedRoute } from './dispatch.js';
import { callEngine } from './engine-call.js';
import { createErrorHandler, stderrLogger } from './error-handler.js';
import { createOpenApiDocument, type OpenApiOptions } from './openapi.js';
import { OPENAPI_PATH, REST_ROUTES, type RestRoute } from './routes.js';

/** The host's authentication hook: the actor, or `null` for 401. A throw is also 401. */
export type Authenticate = (req: Request) => Actor | null | undefined | Promise<Actor | null | undefined>;

export interface CloudlinkRestRouterOptions {
  readonly engine: Engine;
  readonly authenticate: Authenticate;
  /** Where unexpected errors are logged (with their cause). Default: `console.error`. */
  readonly logger?: Logger;
  /** Options of the document served at `/openapi.json`; `false` to not serve it. */
  readonly openApi?: OpenApiOptions | false;
}

/** Where the request id chosen for this request is kept between the middleware and the handler. */
const REQUEST_ID_LOCAL = 'cloudlinkRequestId';

/**
 * Choose the request id and echo it on every answer, errors included: the one the host's own
 * middleware already set on the response (so its log lines and the audit log name the same
 * request), else the client's `X-Request-Id`, else a new one.
 */
function chooseRequestId(req: Request, res: Response): void {
  const chosen = res.getHeader(REQUEST_ID_HEADER);
  const id = requestIdOf(chosen, req.headers['x-request-id']);
  res.locals[REQUEST_ID_LOCAL] = id;
  if (id !== chosen) res.setHeader(REQUEST_ID_HEADER, id);
}

/** The authenticated actor, carrying the request id (unless the host's hook set one itself). */
async function actorOf(authenticate: Authenticate, req: Request, res: Response): Promise<Actor> {
  const actor = await authenticatedActor(authenticate, req);
  return actor.requestId === undefined ? { ...actor, requestId: String(res.locals[REQUEST_ID_LOCAL]) } : actor;
}

async function authenticatedActor(authenticate: Authenticate, req: Request): Promise<Actor> {
  let actor: Actor | null | undefined;
  try {
    actor = await authenticate(req);
  } catch {
    // A throwing hook is a failed authentication, never a 500.
    actor = null;
  }
  if (!actor) throw unauthenticated();
  return actor;
}

/**
 * The query parameters `route` declares, and nothing else: an undeclared one is ignored like an
 * unknown body field, so a URL (e.g. a cross-site form's `action`) can never supply a write's input.
 */
function declaredQuery(route: RestRoute, req: Request): Record<string, unknown> {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const { name } of route.query) if (Object.hasOwn(query, name)) picked[name] = query[name];
  return picked;
}

function handlerFor(route: RestRoute, options: CloudlinkRestRouterOptions): RequestHandler {
  const scoped = route.path.startsWith('/:projectSlug/');
  return async (req: Request, res: Response, next: NextFunction) => {
    // A reserved first segment can never be a project: such paths are unknown routes, not 404 Project.
    if (scoped && RESERVED_PROJECT_SLUGS.has(String(req.params.projectSlug).toLowerCase())) {
      next('route');
      return;
    }
    const actor = route.public ? null : await actorOf(options.authenticate, req, res);
    const body = route.textBody && hasMediaType(req, route.textBody.contentType) ? await readTextBody(req, res, route.textBody) : await readJsonBody(req, res);
    // Path params win over query, query over body: a body can never retarget the route's scope.
    const input: Record<string, unknown> = { ...body, ...declaredQuery(route, req), ...req.params };
    // A streamed answer comes from the operation's streaming form (same input, same access check).
    const result = await callEngine(options.engine, route, actor, input, route.response.kind === 'stream' ? route.response.stream : route.operation);
    if (route.response.cacheControl) res.setHeader('Cache-Control', route.response.cacheControl);
    if (route.response.kind === 'stream') {
      await writeStream(res, route.status, route.response.contentType, result as AsyncIterable<string>);
      return;
    }
    if (route.response.kind === 'text') {
      res.status(route.status).type(route.response.contentType).send(String(result));
      return;
    }
    // A dry run created nothing: 200 even where the real run answers 201.
    const dryRun = typeof result === 'object' && result !== null && (result as { dryRun?: unknown }).dryRun === true;
    res.status(dryRun ? 200 : route.status).json(result);
  };
}

/**
 * Write text chunks as they come, waiting for the socket to drain (a slow client holds the export,
 * not the memory). A failure after the first chunk can no longer change the status: the connection
 * is cut, so the client sees a truncated body rather than a complete-looking one.
 */
async function writeStream(res: Response, status: number, contentType: string, chunks: AsyncIterable<string>): Promise<void> {
  res.status(status).type(contentType);
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (res.destroyed) {
        await iterator.return?.();
        return;
      }
      if (!res.write(next.value)) await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  } catch (e) {
    if (!res.headersSent) throw e;
    res.destroy(e instanceof Error ? e : new Error(String(e)));
    return;
  }
  res.end();
}

/**
 * An Express router serving the documented REST API; mount it at `/api`
 * (`app.use('/api', createCloudlinkRestRouter({ engine, authenticate }))`). Every route of
 * `REST_ROUTES` calls one engine method with path params + its declared query parameters + body merged; unknown routes and
 * methods answer 404 `Not found`; errors are mapped by one middleware (`ERROR_CODE_TABLE`).
 */
export function createCloudlinkRestRouter(options: CloudlinkRestRouterOptions): Router {
  const logger = options.logger ?? stderrLogger;
  const router = express.Router();
  const routes: DispatchedRoute[] = REST_ROUTES.map((route) => ({ method: route.method, path: route.path, handler: handlerFor(route, options) }));
  if (options.openApi !== false) {
    const openApi = options.openApi ?? {};
    let document: unknown;
    routes.unshift({
      method: 'GET',
      path: OPENAPI_PATH,
      handler: (_req, res) => {
        document ??= createOpenApiDocument(openApi);
        res.json(document);
      },
    });
  }
  // One layer for the whole API: the request id first, then the route (see routeDispatcher).
  const dispatch = routeDispatcher(routes);
  router.use((req, res, next) => {
    chooseRequestId(req, res);
    dispatch(req, res, next);
  });
  router.use((req, _res, next) => next(routeNotFound(req.method, req.originalUrl.split('?')[0] ?? req.originalUrl)));
  router.use(createErrorHandler(logger));
  return router;
}
