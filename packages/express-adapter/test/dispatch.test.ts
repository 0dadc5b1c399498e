import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeDispatcher, type DispatchedRoute } from '../src/dispatch.js';
import type { HttpMethod } from '../src/routes.js';

/**
 * The dispatcher must route exactly as Express's router does for the same table: both apps are
 * built from one list and every request is sent to both.
 */
const table: [HttpMethod, string][] = [
  ['GET', '/workspaces/:ws'],
  ['PATCH', '/workspaces/:ws/members/:userId'],
  ['GET', '/cloud-connections/:ws'],
  ['POST', '/cloud-connections/:ws/connect-aws'],
  ['GET', '//.well-known/openid-configuration'],
  ['GET', '/:project/:env/dns'],
  ['GET', '/:project/:env/dns/:id'],
  ['DELETE', '/:project/:env/dns/:id/records'],
  ['GET', '/boom/:kind'],
  // A literal first segment after a parameter route that also matches it: tried after that route.
  ['GET', '/skip/:env/dns'],
  ['GET', '/shop/:env/dns'],
];

function handlerOf(index: number, method: HttpMethod, path: string): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.params.project === 'skip') return next('route');
    if (req.params.kind === 'throw') throw new Error('thrown');
    if (req.params.kind === 'reject') return Promise.reject(new Error('rejected'));
    if (req.params.kind === 'next') return next(new Error('passed'));
    res.json({ index, route: `${method} ${path}`, params: req.params });
  };
}

const routes: DispatchedRoute[] = table.map(([method, path], i) => ({ method, path, handler: handlerOf(i, method, path) }));

function appWith(mount: (router: express.Router) => void): express.Express {
  const app = express();
  const router = express.Router();
  mount(router);
  router.use((req, res) => res.status(404).json({ notFound: `${req.method} ${req.path}` }));
  router.use((err: { message: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? 500).json({ error: err.message });
  });
  app.use('/api', router);
  return app;
}

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('routeDispatcher', () => {
  let ours: { url: string; server: Server };
  let theirs: { url: string; server: Server };
  beforeAll(async () => {
    ours = await listen(appWith((r) => r.use(routeDispatcher(routes))));
    theirs = await listen(
      appWith((r) => {
        for (const route of routes) r[route.method.toLowerCase() as 'get'](route.path, route.handler);
      }),
    );
  });
  afterAll(() => {
    ours.server.close();
    theirs.server.close();
  });

  const cases: [string, string][] = [
    ['GET', '/api/workspaces/acme'],
    ['GET', '/api/WORKSPACES/Acme/'],
    ['HEAD', '/api/workspaces/acme'],
    ['POST', '/api/workspaces/acme'],
    ['OPTIONS', '/api/workspaces/acme'],
    ['PATCH', '/api/workspaces/acme/members/7'],
    ['GET', '/api/workspaces/acme/members/%'],
    ['GET', '/api/workspaces/a%20b'],
    ['GET', '/api/workspaces/a%2Fb'],
    ['GET', '/api/workspaces/%E0%A4%A'],
    ['GET', '/api/cloud-connections/acme'],
    ['POST', '/api/cloud-connections/acme/connect-aws'],
    ['GET', '/api//.well-known/openid-configuration'],
    ['GET', '/api/shop/prod/dns'],
    ['GET', '/api/shop/prod/dns/12'],
    ['GET', '/api/skip/prod/dns'],
    ['GET', '/api/SKIP/prod/dns'],
    ['GET', '/api/Shop/prod/dns'],
    ['DELETE', '/api/shop/prod/dns/12/records'],
    ['GET', '/api/shop/prod/dns/12/records'],
    ['GET', '/api/boom/throw'],
    ['GET', '/api/boom/reject'],
    ['GET', '/api/boom/next'],
    ['GET', '/api/nowhere'],
    ['GET', '/api/workspaces/acme?x=1'],
  ];

  it.each(cases)('%s %s is routed as Express routes it', async (method, path) => {
    const [a, b] = await Promise.all(
      [ours, theirs].map(async ({ url }) => {
        const res = await fetch(url + path, { method });
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(a).toEqual(b);
  });

  it('answers from the matching route with decoded parameters', async () => {
    const res = await fetch(`${ours.url}/api/shop/prod/dns/a%20b`);
    expect(await res.json()).toEqual({ index: 6, route: 'GET /:project/:env/dns/:id', params: { project: 'shop', env: 'prod', id: 'a b' } });
  });
});
