import type { Engine } from '@cloudlink/engine';
import { createCloudlinkRestRouter } from '@cloudlink/express-adapter';
import { createCloudlinkTrpcHandler } from '@cloudlink/trpc-router';
import express from 'express';
import type { Logger as PinoLogger } from 'pino';
import type { JwtAuth } from './auth.js';
import { docsRouter } from './docs.js';
import { healthRoutes } from './health.js';
import { requestIdOf, requestLogging } from './logging.js';

/** What `createApp` composes: an engine, the Bearer-token hook and the logger. */
export interface AppOptions {
  readonly engine: Engine;
  readonly auth: Pick<JwtAuth, 'authenticate'>;
  readonly logger: PinoLogger;
}

/**
 * The whole HTTP surface as one Express app: health (`/healthz`, `/readyz`), the API reference page
 * (`/docs`, with the renderer's script under `/docs/`), tRPC under `/trpc` and the documented REST API under `/api` (with `/api/openapi.json`).
 * Exported so tests and hosts embed exactly what `pnpm start` serves; it never listens by itself.
 * The return type is spelled out because pnpm's layout makes the inferred one unnameable (TS2742).
 */
export function createApp({ engine, auth, logger }: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(logger));
  // The API first: Express tries the layers in order, and nearly every request is an API call.
  app.use('/api', createCloudlinkRestRouter({ engine, authenticate: (req) => auth.authenticate(req), logger }));
  // The safe mount: 5 MB bodies, 16 KB URLs, 10 calls per batch, JSON-only mutations (see the
  // trpc-router README for what a host mounting the bare router must set itself).
  app.use(
    '/trpc',
    createCloudlinkTrpcHandler({
      engine,
      createContext: async ({ req }) => ({ actor: await auth.authenticate(req).catch(() => null) }),
      onError: ({ error, path, req }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, reqId: requestIdOf(req), procedure: path }, 'tRPC procedure failed');
      },
    }),
  );
  app.use(healthRoutes(engine, logger));
  app.use('/docs', docsRouter({ basePath: '/docs', openApiPath: '/api/openapi.json' }));
  // Outside /api and /trpc: the same JSON 404 shape as the REST API (`Not found`, docs/errors.md).
  app.use((req, res) => {
    res.status(404).json({ error: 'Not found', message: `Route ${req.method} ${req.path} not found` });
  });
  app.use((err: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    logger.error({ err, reqId: requestIdOf(req) }, 'unhandled error');
    if (!res.headersSent) res.status(500).json({ error: 'Internal server error', message: 'An unexpected error occurred' });
  });
  return app;
}
