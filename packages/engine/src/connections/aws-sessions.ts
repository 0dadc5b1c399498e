import type { AwsSessionCache, AwsSessionRequest, EngineContext } from '../context.js';
import { precondition, providerNotConfigured } from '../errors/index.js';
import type { AwsCredentials } from '../ports/cloud.js';

/** Refresh this long before the credentials expire (see docs/provider-calls.md). */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
const SESSION_SECONDS = 3600;

interface Entry {
  readonly value: unknown;
  readonly refreshAt: number;
}

/**
 * Temporary credentials per connection (see docs/provider-calls.md): the assumed-role credentials
 * DNS calls use, and those issued to the host (docs/credentials.md), each under its own key. Cached
 * in process until 5 minutes before expiry, refreshed single-flight (concurrent callers share one
 * call), dropped on complete, delete and unlink. A drop during a refresh discards that refresh's result.
 * Errors are the connector's `ProviderCallError`s, unchanged.
 */
export function createAwsSessionCache(ctx: Omit<EngineContext, 'awsSessions' | 'connectionTokens'>): AwsSessionCache {
  /** connection id → key → entry; a drop removes the connection's map whole. */
  const cache = new Map<number, Map<string, Entry>>();
  const inflight = new Map<string, Promise<unknown>>();
  const generation = new Map<number, number>();

  function cached<T>(connectionId: number, key: string, load: () => Promise<T>, expiresAt: (value: T) => Date | undefined): Promise<T> {
    const hit = cache.get(connectionId)?.get(key);
    if (hit && ctx.clock.now().getTime() < hit.refreshAt) return Promise.resolve(hit.value as T);
    const flightKey = `${connectionId}\u0000${key}`;
    const existing = inflight.get(flightKey);
    if (existing) return existing as Promise<T>;
    const gen = generation.get(connectionId) ?? 0;
    const pending = load()
      .then((value) => {
        const expires = expiresAt(value)?.getTime() ?? ctx.clock.now().getTime() + SESSION_SECONDS * 1000;
        if ((generation.get(connectionId) ?? 0) === gen) {
          let entries = cache.get(connectionId);
          if (!entries) cache.set(connectionId, (entries = new Map()));
          entries.set(key, { value, refreshAt: expires - REFRESH_MARGIN_MS });
        }
        return value;
      })
      .finally(() => {
        if (inflight.get(flightKey) === pending) inflight.delete(flightKey);
      });
    inflight.set(flightKey, pending);
    return pending;
  }

  function assume(connection: { id: number; roleArn: string; externalId: string | null }, session: AwsSessionRequest, signal?: AbortSignal) {
    const aws = ctx.providers.aws;
    if (!aws) throw providerNotConfigured('AWS is not configured');
    // The connector retries throttling and outages itself (see docs/batching.md), so one call here.
    return aws.assumeRole(
      {
        roleArn: connection.roleArn,
        ...(connection.externalId ? { externalId: connection.externalId } : {}),
        sessionName: session.sessionName,
        durationSeconds: session.durationSeconds ?? SESSION_SECONDS,
        ...(session.sourceIdentity !== undefined ? { sourceIdentity: session.sourceIdentity } : {}),
        ...(session.policy !== undefined ? { policy: session.policy } : {}),
      },
      signal ? { signal } : undefined,
    );
  }

  return {
    async credentialsFor(connection, options) {
      if (connection.provider !== 'aws' || !connection.roleArn) throw precondition.connectionNotActive();
      const roleArn = connection.roleArn;
      const session = options?.session ?? { sessionName: `cloudlink-${connection.id}` };
      // Every field that changes what AWS grants is part of the key, so a narrower session never serves a wider request.
      const key = JSON.stringify(['aws', session.sessionName, session.sourceIdentity ?? null, session.policy ?? null, session.durationSeconds ?? null]);
      return cached<AwsCredentials>(
        connection.id,
        key,
        () => assume({ id: connection.id, roleArn, externalId: connection.externalId }, session, options?.signal),
        (c) => c.expiration,
      );
    },
    cached: (connectionId, key, load) => cached(connectionId, key, load, (t) => t.expiresAt),
    drop(connectionId) {
      cache.delete(connectionId);
      for (const key of [...inflight.keys()]) if (key.startsWith(`${connectionId}\u0000`)) inflight.delete(key);
      generation.set(connectionId, (generation.get(connectionId) ?? 0) + 1);
    },
  };
}
