import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { Logger as PinoLogger } from 'pino';
import { createApp } from './app.js';
import type { ServerConfig } from './config.js';
import { createRuntime, type Runtime } from './runtime.js';

/** A listening server and how to stop it. */
export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  readonly app: express.Express;
  readonly runtime: Runtime;
  /**
   * Graceful stop: refuse new connections, let in-flight requests finish (at most `graceMs`, then
   * cut the rest), persist sandbox state and close the database. Idempotent.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Compose the runtime (storage, migrations, engine, providers or sandbox), build the app and listen
 * on `HOST:PORT` (port 0 picks a free one; `url` says which).
 */
export async function startServer(
  config: ServerConfig,
  logger: PinoLogger,
  /** Tests replace how the runtime is built (e.g. to hold start-up open). */
  options: { readonly createRuntime?: typeof createRuntime } = {},
): Promise<RunningServer> {
  // Bind first: with PORT=0 the default public URL (OIDC issuer, script URLs) needs the real port.
  const server = createServer();
  // Until the engine is ready (migrations can take a while on Postgres), answer at once rather than
  // leaving requests unanswered: probes see "not ready", clients a retryable 503.
  const starting = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' });
    res.end(JSON.stringify({ status: 'not ready', message: 'starting' }));
  };
  server.on('request', starting);
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const effective: ServerConfig = config.publicUrlSet ? config : { ...config, publicUrl: `http://localhost:${port}` };
  let runtime: Runtime;
  try {
    runtime = await (options.createRuntime ?? createRuntime)(effective, logger);
  } catch (e) {
    server.close();
    throw e;
  }
  const app = createApp({ engine: runtime.engine, auth: runtime.auth, logger });
  server.off('request', starting);
  server.on('request', app);
  const { sandbox } = runtime;
  if (sandbox) {
    // Keep sandbox.json current after every write request, so a crash loses at most the request in flight.
    server.on('request', (req, res) => {
      if (req.method === 'GET' || req.method === 'HEAD') return;
      res.on('finish', () => {
        sandbox.persist().catch((err: unknown) => logger.error({ err }, 'could not persist sandbox state'));
      });
    });
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, publicUrl: effective.publicUrl, storage: config.databaseUrl ? 'postgres' : 'sqlite', sandbox: config.sandbox }, 'cloudlink server listening');

  let closing: Promise<void> | undefined;
  const close = (options: { graceMs?: number } = {}) => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would hold server.close() open; busy ones become idle once their
      // response is written, so sweep until every socket is gone.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 10_000);
      await stopped;
      clearInterval(sweep);
      clearTimeout(timer);
      await runtime.close();
      logger.info({}, 'cloudlink server stopped');
    })();
    return closing;
  };
  return { url, server, app, runtime, close };
}
