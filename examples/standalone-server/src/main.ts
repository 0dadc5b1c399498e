import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logging.js';
import { startServer } from './server.js';

/**
 * `pnpm start`: read the environment, start the server, and stop gracefully on SIGTERM or
 * SIGINT (finish in-flight requests, persist sandbox state, close the database). A malformed
 * variable stops the process before anything starts, with one message listing every problem.
 */
const logger = createLogger();

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const running = await startServer(config, logger);
  let signalled = false;
  const stop = (signal: NodeJS.Signals) => {
    if (signalled) {
      // A second signal means "now": skip the grace period.
      logger.warn({ signal }, 'second signal, exiting immediately');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  logger.error({ err }, 'cloudlink server failed to start');
  process.exit(1);
});
