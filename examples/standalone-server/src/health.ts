import express from 'express';

/** What `/readyz` asks: the engine's `health()` (database answers, migrations applied). */
export interface HealthSource {
  health(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/**
 * `GET /healthz` → 200 `{"status":"ok"}` while the process serves; `GET /readyz` → 200
 * `{"status":"ready"}` when the database answers and is migrated, else 503 with the reason
 * (SPEC §8). Both are public and outside `/api`.
 */
export function healthRoutes(source: HealthSource): express.Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    let result: { ok: true } | { ok: false; reason: string };
    try {
      result = await source.health();
    } catch (e) {
      result = { ok: false, reason: `health check failed: ${(e as Error).message}` };
    }
    if (result.ok) res.status(200).json({ status: 'ready' });
    else res.status(503).json({ status: 'not ready', message: result.reason });
  });
  return router;
}
