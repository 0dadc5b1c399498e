import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logging.js';
import { startServer, type RunningServer } from './server.js';

/**
 * `node dist/main.js`: read the environment, start the server, and stop gracefully on SIGTERM or
 * SIGINT (refuse new connections, let in-flight requests finish for at most
 * `CLOUDLINK_SHUTDOWN_GRACE_SECONDS`, stop the re-verification schedule, persist sandbox state,
 * close the database), then exit 0 — or 1 when requests had to be cut, a second signal came, or
 * closing hung. Every line this process writes on stdout is JSON (pino), start-up failures included,
 * so a log pipeline never meets a stray text line.
 */
const logger = createLogger();

/** Closing the job queue and the database after the grace period gets this long, then the process exits anyway. */
const CLOSE_BACKSTOP_MS = 5_000;

// An error nothing caught would otherwise reach stderr as a plain-text stack; log it as JSON, then exit
// (the process is in an unknown state). pino flushes the line on exit.
process.on('uncaughtException', (err, origin) => {
  logger.fatal({ err, origin }, 'uncaught exception, exiting');
  process.exit(1);
});

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      // Both: the list on stderr for whoever started the process by hand, the JSON line for the log pipeline.
      console.error(e.message);
      logger.fatal({ problems: e.problems }, 'invalid configuration');
      process.exit(1);
    }
    throw e;
  }
  const graceMs = config.shutdownGraceSeconds * 1000;
  let running: RunningServer | undefined = undefined;
  let signalled = false;
  const shutDown = (server: RunningServer) => {
    server.close({ graceMs }).then(
      ({ forced }) => process.exit(forced ? 1 : 0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const stop = (signal: NodeJS.Signals) => {
    if (signalled) {
      // A second signal means "now": skip the grace period.
      logger.warn({ signal }, 'second signal, exiting immediately');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal, graceMs }, 'shutting down');
    // The grace period bounds the requests; this bounds what comes after (pg-boss, the database),
    // and a start-up that does not finish.
    setTimeout(() => {
      logger.error({ graceMs, backstopMs: CLOSE_BACKSTOP_MS }, 'shutdown did not finish in time, exiting');
      process.exit(1);
    }, graceMs + CLOSE_BACKSTOP_MS).unref();
    if (running) shutDown(running);
  };
  // Before start-up, which can wait on the database for a while: as PID 1 in a container, a signal
  // with no handler is ignored, and `docker stop` would hang until its SIGKILL.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  running = await startServer(config, logger);
  // A signal during start-up: stop now that there is something to close cleanly.
  if (signalled) shutDown(running);
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'cloudlink server failed to start');
  process.exit(1);
});
