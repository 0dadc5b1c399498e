import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { match, type MatchFunction } from 'path-to-regexp';
import type { HttpMethod } from './routes.js';

/** One route for {@link routeDispatcher}: its method, its path (Express syntax) and its handler. */
export interface DispatchedRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly handler: RequestHandler;
}

/** Express's parameter decoding: percent-decoded, a malformed escape a 400 (the same error Express raises). */
function decodeParam(value: string): string {
  if (value.length === 0 || !value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (e) {
    if (e instanceof URIError) Object.assign(e, { message: `Failed to decode param '${value}'`, status: 400, statusCode: 400 });
    throw e;
  }
}

interface Compiled {
  readonly match: MatchFunction<Record<string, string>>;
  readonly handler: RequestHandler;
  /** The route's first path segment, lower-cased, when it is literal text; null when it is a parameter. */
  readonly first: string | null;
}

/** The first segment of `path` (`/a/b` → `a`), lower-cased: routes match case-insensitively. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

function staticFirstSegment(routePath: string): string | null {
  const first = firstSegment(routePath);
  return /[:*{}()]/.test(first) ? null : first;
}

/**
 * One method's routes by the literal first segment a path must start with, each list keeping table
 * order with the parameter-first routes interleaved where they stand; `rest` (the parameter-first
 * routes alone) serves any other first segment. A request then tests only the routes it could
 * match, in the same order as the whole table would.
 */
function bucketByFirstSegment(list: readonly Compiled[]): { byFirst: Map<string, Compiled[]>; rest: Compiled[] } {
  const byFirst = new Map<string, Compiled[]>();
  for (const c of list) if (c.first !== null && !byFirst.has(c.first)) byFirst.set(c.first, list.filter((o) => o.first === null || o.first === c.first));
  return { byFirst, rest: list.filter((o) => o.first === null) };
}

/**
 * The routes as one Express layer. Registered one by one, each route is its own layer that Express
 * tries in turn (a path test plus the layer machinery) for every request, so a request for one of
 * the last of the ~50 routes paid for all the others first. Here each path is compiled once and
 * only the routes of the request's method that could match its first segment are tried, in table order, with Express's own matching
 * rules: case-insensitive, an optional trailing slash, percent-decoded parameters, GET routes
 * answering HEAD. A handler's `next('route')` tries the next matching route, as in Express; an
 * async handler's rejection goes to the error handlers, as in Express 5.
 */
export function routeDispatcher(routes: readonly DispatchedRoute[]): RequestHandler {
  const byMethod = new Map<string, Compiled[]>();
  const all: MatchFunction<Record<string, string>>[] = [];
  for (const route of routes) {
    const compiled: Compiled = {
      match: match<Record<string, string>>(route.path, { sensitive: false, end: true, trailing: true, decode: decodeParam }),
      handler: route.handler,
      first: staticFirstSegment(route.path),
    };
    all.push(compiled.match);
    const methods = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
    for (const method of methods) byMethod.set(method, [...(byMethod.get(method) ?? []), compiled]);
  }
  const candidatesOf = new Map([...byMethod].map(([method, list]) => [method, bucketByFirstSegment(list)]));
  /**
   * Express tests a path before the method, so a malformed escape in a parameter of a path that
   * exists for another method is its 400, not a 404; only such paths (holding `%`) pay for the check.
   */
  const malformedEscape = (path: string): unknown => {
    if (!path.includes('%')) return undefined;
    for (const m of all) {
      try {
        m(path);
      } catch (e) {
        return e;
      }
    }
    return undefined;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const buckets = candidatesOf.get(req.method);
    const candidates = buckets ? (buckets.byFirst.get(firstSegment(req.path)) ?? buckets.rest) : [];
    let i = 0;
    const tryFrom: NextFunction = (err?: unknown) => {
      if (err !== undefined && err !== 'route') {
        next(err);
        return;
      }
      while (i < candidates.length) {
        const candidate = candidates[i++]!;
        let found: ReturnType<typeof candidate.match>;
        try {
          found = candidate.match(req.path);
        } catch (e) {
          next(e);
          return;
        }
        if (!found) continue;
        req.params = found.params;
        try {
          const result: unknown = candidate.handler(req, res, tryFrom);
          if (result instanceof Promise) result.catch(next);
        } catch (e) {
          next(e);
        }
        return;
      }
      next(malformedEscape(req.path));
    };
    tryFrom();
  };
}
