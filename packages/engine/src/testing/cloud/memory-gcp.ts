import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { GcpConnector } from '../../ports/cloud.js';
import { createFaults, memoryProviderError, memoryRetry, type FaultControl, type MemoryRetryOptions } from '../memory-faults.js';

export interface MemoryGcpOptions extends MemoryRetryOptions {
  /** Our OIDC issuer (`${publicUrl}/api`); tokens must carry it as `iss`. */
  readonly issuer: string;
  /** Our published keys (e.g. `() => engine.publicAssets.jwks()`); read on every exchange. */
  readonly jwks: () => Promise<JSONWebKeySet>;
  /** The time tokens are checked at (default: the system clock); pass the engine's clock. */
  readonly now?: () => Date;
}

export interface MemoryGcpConnector extends GcpConnector {
  /** Call log and failure injection (`failNext('STS token exchange', …)`). */
  readonly control: FaultControl;
}

const AUDIENCE = /^\/\/iam\.googleapis\.com\/projects\/(\d+)\/locations\/global\/workloadIdentityPools\/([a-z0-9-]+)\/providers\/[a-z0-9-]+$/;
const SUBJECT = /^workspace:\d+:connection:\d+$/;

/**
 * The GCP connector port in memory (STS token exchange, IAM credentials, Resource Manager). The
 * token exchange verifies our JWT against our own JWKS, issuer, `aud` (the provider's resource name)
 * and `sub`; pool `denied-pool` is refused with `invalid_grant`; projects.get returns the project
 * number named in the audience, i.e. the pasted one.
 */
export function createMemoryGcpConnector(options: MemoryGcpOptions): MemoryGcpConnector {
  const { control, enter } = createFaults('gcp');
  const retry = memoryRetry(options);
  const rejected = (message: string) => memoryProviderError('gcp', 'STS token exchange', 'invalid_grant', 'refused', message, 400);
  return {
    control,
    async testWorkloadIdentity(input) {
      // Minted once, as the real connector does: a retry resends the same token.
      const token = await input.subjectToken();
      const projectNumber = await retry(() => exchange(input.audience, token));
      await retry(() => enter({ call: 'generateAccessToken' }));
      await retry(() => enter({ call: 'projects.get' }));
      return { projectId: input.projectId, projectNumber };
    },
    async getAccessToken(input) {
      const token = await input.subjectToken();
      await retry(() => exchange(input.audience, token));
      await retry(() => enter({ call: 'generateAccessToken' }));
      const now = options.now?.() ?? new Date();
      return { token: `memory-gcp:${input.serviceAccountEmail}:${(input.scopes ?? []).join(' ')}`, expiresAt: new Date(now.getTime() + 3_600_000) };
    },
  };

  /** The STS exchange: the audience names the pool provider, our token must verify; gives the project number. */
  async function exchange(audience: string, token: string): Promise<string> {
    await enter({ call: 'STS token exchange' });
    const match = AUDIENCE.exec(audience);
    if (!match) throw memoryProviderError('gcp', 'STS token exchange', 'invalid_request', 'refused', 'Invalid value for "audience".', 400);
    const [, projectNumber, poolId] = match;
    if (poolId === 'denied-pool') throw rejected('The given credential is rejected by the attribute condition.');
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(await options.jwks()), {
        issuer: options.issuer,
        audience,
        algorithms: ['RS256'],
        ...(options.now ? { currentDate: options.now() } : {}),
      });
      if (typeof payload.sub !== 'string' || !SUBJECT.test(payload.sub)) throw new Error('unexpected subject');
    } catch (e) {
      throw rejected(`The subject token is invalid: ${e instanceof Error ? e.message : 'verification failed'}`);
    }
    return projectNumber ?? '';
  }
}
