import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { Logger as PinoLogger } from 'pino';
import { createApp } from './app.js';
import type { ServerConfig } from './config.js';
import { createRuntime, type Runtime } from './runtime.js';
import { startHealthScheduler } from './health-scheduler.js';

/**
 * How long a client may take to send a request. Node's defaults (60 s for the headers, 5 min for
 * the whole request) let a few slow clients hold sockets and half-read 5 MB bodies for minutes;
 * a legitimate client sends 5 MB well within 30 s. The response has no such bound: provider calls
 * and the zone lock have their own timeouts.
 */
export const RECEIVE_LIMITS = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 } as const;

/** A listening server and how to stop it. */
export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  readonly app: express.Express;
  readonly runtime: Runtime;
  /**
   * Graceful stop: refuse new connections, let in-flight requests finish (at most `graceMs`, then
   * cut the rest), stop the re-verification schedule, persist sandbox state and close the database.
   * Idempotent. `forced` says whether requests were still running when the grace period ended.
   */
  close(options?: { graceMs?: number }): Promise<{ forced: boolean }>;
}

/**
 * Compose the runtime (storage, migrations, engine, providers or sandbox), build the app and listen
 * on `HOST:PORT` (port 0 picks a free one; `url` says which).
 */
export async function startServer(
  config: ServerConfig,
  logger: PinoLogger,
  options: {
    /** Tests replace how the runtime is built (e.g. to hold start-up open). */
    readonly createRuntime?: typeof createRuntime;
    /** Tests shorten the receive limits (default `RECEIVE_LIMITS`). */
    readonly receiveLimits?: { readonly headersTimeoutMs: number; readonly requestTimeoutMs: number };
  } = {},
): Promise<RunningServer> {
  // Bind first: with PORT=0 the default public URL (OIDC issuer, script URLs) needs the real port.
  const limits = options.receiveLimits ?? RECEIVE_LIMITS;
  const server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node enforces both timeouts on this sweep (default every 30 s); check often enough that a
    // limit is honoured to within a quarter of its length.
    connectionsCheckingInterval: Math.max(100, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4),
  });
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
  let scheduler: Awaited<ReturnType<typeof startHealthScheduler>>;
  try {
    scheduler = await startHealthScheduler(effective, runtime, logger);
  } catch (e) {
    await runtime.close();
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

  let closing: Promise<{ forced: boolean }> | undefined;
  const close = (options: { graceMs?: number } = {}) => {
    closing ??= (async () => {
      const graceMs = options.graceMs ?? config.shutdownGraceSeconds * 1000;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would hold server.close() open; busy ones become idle once their
      // response is written, so sweep until every socket is gone.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      let forced = false;
      const timer = setTimeout(() => {
        forced = true;
        logger.warn({ graceMs }, 'shutdown grace period over, closing the connections still busy');
        server.closeAllConnections();
      }, graceMs);
      await stopped;
      clearInterval(sweep);
      clearTimeout(timer);
      logger.info({ forced }, 'every connection closed');
      await scheduler?.stop();
      await runtime.close();
      logger.info({ forced }, 'cloudlink server stopped');
      return { forced };
    })();
    return closing;
  };
  return { url, server, app, runtime, close };
}
