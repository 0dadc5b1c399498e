import { ZoneLockTimeoutError } from '@cloudlink/engine';
import type { PostgresPool } from 'kysely';

/**
 * First key of the two-int advisory lock form ('clzl'). Two-int keys never collide with the
 * single-bigint key of Kysely's migration lock (Postgres keeps the two key spaces apart).
 */
export const ZONE_LOCK_NAMESPACE = 0x636c7a6c;

/**
 * Run `fn` holding the session advisory lock of one zone on a dedicated pooled client, shared by
 * every app instance on the database. Waiting is bounded by `lock_timeout`; a timeout is
 * `ZoneLockTimeoutError`. The lock is always released and the client returned (destroyed when the
 * unlock itself failed, which drops any session lock with it).
 */
export async function withPostgresZoneLock<T>(
  pool: PostgresPool,
  zoneResourceId: number,
  fn: () => Promise<T>,
  { timeoutMs }: { timeoutMs: number },
): Promise<T> {
  // Waiters of this process queue in memory first, so at most one pooled client per zone sits in
  // pg_advisory_lock. Otherwise N waiters on one zone hold N clients while the holder's `fn` needs
  // one more for its own queries: with N ≥ pool size the holder starves and everyone times out.
  const started = Date.now();
  const previous = localQueues.get(zoneResourceId) ?? Promise.resolve();
  let leave!: () => void;
  const mine = new Promise<void>((resolve) => (leave = resolve));
  const tail = previous.then(() => mine);
  localQueues.set(zoneResourceId, tail);
  try {
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      previous.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    if (timer) clearTimeout(timer);
    if (!waited) throw new ZoneLockTimeoutError(zoneResourceId);
    return await lockAndRun(pool, zoneResourceId, fn, Math.max(1, timeoutMs - (Date.now() - started)));
  } finally {
    leave();
    if (localQueues.get(zoneResourceId) === tail) localQueues.delete(zoneResourceId);
  }
}

/** Per-process queue of zone lock waiters (see above). */
const localQueues = new Map<number, Promise<void>>();

async function lockAndRun<T>(pool: PostgresPool, zoneResourceId: number, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const client = await pool.connect();
  const release = client.release as (err?: Error | boolean) => void;
  try {
    await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${Math.max(1, Math.ceil(timeoutMs))}ms`]);
    await client.query('SELECT pg_advisory_lock($1, $2)', [ZONE_LOCK_NAMESPACE, zoneResourceId]);
  } catch (e) {
    release.call(client, e instanceof Error ? e : true);
    if ((e as { code?: unknown }).code === '55P03') throw new ZoneLockTimeoutError(zoneResourceId);
    throw e;
  }
  let unlockError: Error | undefined;
  try {
    await client.query('RESET lock_timeout', []).catch(() => {});
    return await fn();
  } finally {
    try {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [ZONE_LOCK_NAMESPACE, zoneResourceId]);
    } catch (e) {
      unlockError = e instanceof Error ? e : new Error(String(e));
    }
    release.call(client, unlockError);
  }
}
