import type { DnsManagementClient } from '@azure/arm-dns';
import type { TokenCredential } from '@azure/identity';
import { ProviderCallError, isProviderCallError, withRetry } from '@cloudlink/engine';
import type { TokenSource } from '@cloudlink/engine';
import { once, retryOptionsOf, transportFailure } from '../../shared/index.js';
import type { CallPolicy, ResendRule } from '../../shared/index.js';
import { classifyAzureResponse } from '../classify.js';
import type { ObservedResponse } from '../classify.js';
import { AzureRecordShapeError } from './records.js';

/** The provider name in every failure of this package's Azure DNS calls. */
export const AZUREDNS = 'azuredns';

/**
 * @azure/arm-dns and @azure/core-rest-pipeline, imported on the first call and once: a process that
 * never reaches Azure DNS should not hold the SDK in memory.
 */
export const loadArmDns = once(() =>
  Promise.all([import('@azure/arm-dns'), import('@azure/core-rest-pipeline')]).then(([dns, pipeline]) => ({ dns, pipeline })),
);

/** What every Azure DNS call of one session needs. */
export interface AzureDnsCallContext {
  /** The session's SDK client, made on the first call. */
  readonly client: () => Promise<DnsManagementClient>;
  readonly policy: CallPolicy;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly pageSize: number;
  /** Wait between two polls of a long-running operation (zone delete), on the policy's clock. */
  readonly pollIntervalMs: number;
  /** Polls before a long-running operation is given up as `transient`. */
  readonly maxPolls: number;
}

/**
 * The `TokenCredential` the SDK's bearer policy asks: the engine's TokenSource, called for every
 * request. The token is reported as already expired so the SDK's token cycler never keeps it:
 * caching and refresh belong to the source (the engine's per-connection cache), not to us.
 */
export function tokenSourceCredential(source: TokenSource): TokenCredential {
  return {
    async getToken(_scopes, options) {
      const signal = options?.abortSignal as AbortSignal | undefined;
      const token = await source(signal ? { signal } : {});
      return { token: token.token, expiresOnTimestamp: 0, tokenType: 'Bearer' };
    },
  };
}

/** The fields of the SDK's `RestError` read here (checked structurally: the SDK is imported lazily). */
interface RestErrorLike {
  readonly name: string;
  readonly statusCode?: number;
  readonly response?: ObservedResponse;
}

const isRestError = (e: unknown): e is RestErrorLike => e instanceof Error && e.name === 'RestError';

/**
 * Anything an Azure DNS SDK call threw → a ProviderCallError naming `call`: an HTTP answer is read
 * by the one Azure classification ({@link classifyAzureResponse}: ARM `{error:{code,message}}`,
 * status → kind, Retry-After), no answer is transient, a record set the canonical form cannot be
 * written as is `invalid-input`. A caller abort is rethrown as is; a ProviderCallError (from the
 * TokenSource) passes through.
 */
export function toAzureDnsError(call: string, error: unknown, context: { now: Date; signal?: AbortSignal | undefined; timeoutMs: number }): unknown {
  if (context.signal?.aborted) return context.signal.reason ?? error;
  if (isProviderCallError(error)) return error;
  const site = { provider: AZUREDNS, call };
  if (error instanceof AzureRecordShapeError) return new ProviderCallError({ ...site, code: 'InvalidRecordSet', message: error.message, kind: 'invalid-input' });
  if (isRestError(error) && error.response && typeof error.statusCode === 'number') {
    const failure = classifyAzureResponse(site, error.response, context.now, []);
    return new ProviderCallError({
      ...site,
      code: failure.providerCode,
      message: failure.providerMessage,
      kind: failure.kind,
      status: error.statusCode,
      ...(failure.retryAfter !== undefined ? { retryAfter: failure.retryAfter } : {}),
      cause: error,
    });
  }
  return transportFailure(site, error, false, context.timeoutMs);
}

/** One SDK call under the one retry policy (docs/batching.md), its failure classified and named after `call`. */
export function azCall<T>(
  ctx: AzureDnsCallContext,
  call: string,
  fn: (client: DnsManagementClient) => Promise<T>,
  options: ResendRule<T>,
): Promise<T> {
  return withRetry(
    async () => {
      try {
        return await fn(await ctx.client());
      } catch (e) {
        throw toAzureDnsError(call, e, { now: ctx.policy.clock.now(), signal: options.signal, timeoutMs: ctx.policy.timeoutMs });
      }
    },
    retryOptionsOf(ctx.policy, options),
  );
}

/** The parts of an Azure DNS zone's ARM id. */
export interface ZoneId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly zoneName: string;
}

const ZONE_ID = /^\/subscriptions\/([^/]{1,128})\/resourceGroups\/([^/]{1,90})\/providers\/Microsoft\.Network\/dnszones\/([^/]{1,253})$/i;

/** The ARM id of a zone (`hostedZoneId` of ZoneInfo), as Azure spells it. */
export function zoneArmId(id: ZoneId): string {
  return `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}/providers/Microsoft.Network/dnszones/${id.zoneName}`;
}

/** Parse a zone's ARM id; a malformed id or one of another subscription is the caller's error (`invalid-input`). */
export function parseZoneId(ctx: Pick<AzureDnsCallContext, 'subscriptionId'>, hostedZoneId: string, call: string): ZoneId {
  const m = ZONE_ID.exec(hostedZoneId);
  if (!m) throw new ProviderCallError({ provider: AZUREDNS, call, code: 'InvalidZoneId', message: 'not an Azure DNS zone resource id', kind: 'invalid-input' });
  const [, subscriptionId = '', resourceGroup = '', zoneName = ''] = m;
  if (subscriptionId.toLowerCase() !== ctx.subscriptionId.toLowerCase()) {
    throw new ProviderCallError({ provider: AZUREDNS, call, code: 'SubscriptionMismatch', message: 'the zone belongs to another subscription than the session', kind: 'invalid-input' });
  }
  return { subscriptionId, resourceGroup, zoneName: zoneName.toLowerCase() };
}

/** A 404 for the thing itself (a record set, a zone), not for its zone or resource group. */
export function isGone(e: unknown): boolean {
  return isProviderCallError(e) && e.kind === 'not-found' && e.providerCode !== 'ParentResourceNotFound' && e.providerCode !== 'ResourceGroupNotFound';
}
