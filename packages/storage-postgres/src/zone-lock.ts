import { createHash } from 'node:crypto';
import { ZoneLockTimeoutError, createInProcessZoneLock, type InProcessZoneLock } from '@cloudlink/engine';
import type { Namespace } from '@cloudlink/storage-kysely';
import type { PostgresPool, PostgresPoolClient } from 'kysely';

/**
 * First key of the two-int advisory lock form ('clzl') in the default namespace. Two-int keys never
 * collide with the single-bigint key of Kysely's migration lock (Postgres keeps the two key spaces apart).
 */
export const ZONE_LOCK_NAMESPACE = 0x636c7a6c;

/**
 * The first advisory lock key of a namespace's zone locks. Advisory locks are per database, not per
 * schema, so zone 5 of schema `a` and zone 5 of schema `b` need different keys: a schema's key is
 * the first 32 bits of SHA-1(`clzl:<schema>`). Two schemas sharing a key (odds 2^-32 per pair) would
 * only make their same-numbered zones wait for each other, never run at once. The default
 * namespace keeps `ZONE_LOCK_NAMESPACE`, so instances of an older release still exclude newer ones.
 */
export function zoneLockKey(ns: Namespace): number {
  if (ns.kind !== 'schema') return ZONE_LOCK_NAMESPACE;
  return createHash('sha1').update(`clzl:${ns.schema}`).digest().readInt32BE(0);
}

/**
 * Run `fn` holding the session advisory lock of one zone, shared by every app instance on the
 * database. The lock lives on a client of `lockPool`, a pool of its own: a held lock never takes
 * a client from the query pool, so the holders' own queries cannot be starved by other holders
 * (N locked zones with N ≥ query pool size would otherwise hang until the timeout). All waiting —
 * behind this process's other waiters, for a free lock client, and in `pg_advisory_lock` — is
 * bounded by `timeoutMs`; a timeout is `ZoneLockTimeoutError`. The lock is always released and the
 * client returned (destroyed when the unlock itself failed, which drops any session lock with it).
 */
export async function withPostgresZoneLock<T>(
  lockPool: PostgresPool,
  lockKey: number,
  zoneResourceId: number,
  fn: () => Promise<T>,
  { timeoutMs }: { timeoutMs: number },
): Promise<T> {
  // Waiters of this process queue in memory first, so at most one lock client per zone sits in
  // pg_advisory_lock instead of every waiter occupying one of the few lock clients.
  const deadline = Date.now() + timeoutMs;
  return localWaitersOf(lockKey).withLock(
    zoneResourceId,
    async () => {
      const connecting = lockPool.connect();
      const client = await within(connecting, deadline - Date.now());
      if (!client) {
        // Given up on: hand the client back whenever the pool produces it.
        connecting.then((late) => late.release(), () => {});
        throw new ZoneLockTimeoutError(zoneResourceId);
      }
      return lockAndRun(client, lockKey, zoneResourceId, fn, deadline - Date.now());
    },
    { timeoutMs },
  );
}

/**
 * Per-process queues of zone lock waiters (see above), one per lock key: the same in-process lock
 * SQLite uses. Keyed like the advisory lock, so namespaces never queue behind each other here either.
 */
const localWaiters = new Map<number, InProcessZoneLock>();
function localWaitersOf(lockKey: number): InProcessZoneLock {
  let waiters = localWaiters.get(lockKey);
  if (!waiters) localWaiters.set(lockKey, (waiters = createInProcessZoneLock()));
  return waiters;
}

/** `promise`'s value, or `false` when `ms` pass first. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | false> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))))]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function lockAndRun<T>(client: PostgresPoolClient, lockKey: number, zoneResourceId: number, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const release = client.release as (err?: Error | boolean) => void;
  try {
    await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${Math.max(1, Math.ceil(timeoutMs))}ms`]);
    await client.query('SELECT pg_advisory_lock($1, $2)', [lockKey, zoneResourceId]);
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
      await client.query('SELECT pg_advisory_unlock($1, $2)', [lockKey, zoneResourceId]);
    } catch (e) {
      unlockError = e instanceof Error ? e : new Error(String(e));
    }
    release.call(client, unlockError);
  }
}
