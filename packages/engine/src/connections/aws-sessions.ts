import type { AwsSessionCache, EngineContext } from '../context.js';
import { precondition, providerNotConfigured } from '../errors/index.js';
import type { AwsCredentials } from '../ports/cloud.js';

/** Refresh this long before the credentials expire (see docs/provider-calls.md). */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
const SESSION_SECONDS = 3600;

interface Entry {
  readonly credentials: AwsCredentials;
  readonly refreshAt: number;
}

/**
 * Assumed-role credentials per AWS connection (see docs/provider-calls.md): cached in process until 5 minutes
 * before expiry, refreshed single-flight (concurrent callers share one AssumeRole), dropped on
 * complete, delete and unlink. A drop during a refresh discards that refresh's result.
 * Errors are the connector's `ProviderCallError`s, unchanged.
 */
export function createAwsSessionCache(ctx: Omit<EngineContext, 'awsSessions'>): AwsSessionCache {
  const cache = new Map<number, Entry>();
  const inflight = new Map<number, Promise<AwsCredentials>>();
  const generation = new Map<number, number>();

  async function refresh(connectionId: number, roleArn: string, externalId: string | undefined, signal?: AbortSignal) {
    const aws = ctx.providers.aws;
    if (!aws) throw providerNotConfigured('AWS is not configured');
    const gen = generation.get(connectionId) ?? 0;
    // The connector retries throttling and outages itself (see docs/batching.md), so one call here.
    const credentials = await aws.assumeRole(
      { roleArn, ...(externalId ? { externalId } : {}), sessionName: `cloudlink-${connectionId}`, durationSeconds: SESSION_SECONDS },
      signal ? { signal } : undefined,
    );
    const expires = credentials.expiration?.getTime() ?? ctx.clock.now().getTime() + SESSION_SECONDS * 1000;
    if ((generation.get(connectionId) ?? 0) === gen) cache.set(connectionId, { credentials, refreshAt: expires - REFRESH_MARGIN_MS });
    return credentials;
  }

  return {
    async credentialsFor(connection, options) {
      if (connection.provider !== 'aws' || !connection.roleArn) throw precondition.connectionNotActive();
      const hit = cache.get(connection.id);
      if (hit && ctx.clock.now().getTime() < hit.refreshAt) return hit.credentials;
      let pending = inflight.get(connection.id);
      if (!pending) {
        pending = refresh(connection.id, connection.roleArn, connection.externalId ?? undefined, options?.signal).finally(() => {
          if (inflight.get(connection.id) === pending) inflight.delete(connection.id);
        });
        inflight.set(connection.id, pending);
      }
      return pending;
    },
    drop(connectionId) {
      cache.delete(connectionId);
      inflight.delete(connectionId);
      generation.set(connectionId, (generation.get(connectionId) ?? 0) + 1);
    },
  };
}
