import express from 'express';
import type { Logger as PinoLogger } from 'pino';

/** What `/readyz` asks: the engine's `health()` (database answers, migrations applied). */
export interface HealthSource {
  health(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/**
 * The one answer an anonymous caller gets when the server is not ready. The reason itself (driver
 * errors name database users, hosts and ports; pending migrations name the schema) goes to the log.
 */
export const NOT_READY_MESSAGE = 'The database is not ready';

/**
 * `GET /healthz` → 200 `{"status":"ok"}` while the process serves; `GET /readyz` → 200
 * `{"status":"ready"}` when the database answers and is migrated, else 503 with a fixed message,
 * the reason logged as a warning. Both are public and outside `/api`.
 */
export function healthRoutes(source: HealthSource, logger: Pick<PinoLogger, 'warn'>): express.Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    let result: { ok: true } | { ok: false; reason: string };
    try {
      result = await source.health();
    } catch (e) {
      result = { ok: false, reason: `health check failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (result.ok) {
      res.status(200).json({ status: 'ready' });
      return;
    }
    logger.warn({ reason: withoutUrlCredentials(result.reason) }, 'not ready');
    res.status(503).json({ status: 'not ready', message: NOT_READY_MESSAGE });
  });
  return router;
}

/**
 * `text` with the userinfo of every URL in it (`postgres://user:password@host`) replaced: a driver
 * error can quote the connection string, and the log is read by more people than the database's
 * owner. Key-based log redaction cannot see inside a message, so this works on the text.
 */
export function withoutUrlCredentials(text: string): string {
  // Anchored on the literal `://`, and the userinfo stops at the next `/`: one pass over the text.
  return text.replace(/:\/\/[^\s/@]*@/g, '://[credentials]@');
}
