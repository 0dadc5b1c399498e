import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { GcpConnector } from '../../ports/cloud.js';
import { createFaults, standInError, type FaultControl } from '../dns/faults.js';

export interface SandboxGcpOptions {
  /** Our OIDC issuer (`${publicUrl}/api`); tokens must carry it as `iss`. */
  readonly issuer: string;
  /** Our published keys (e.g. `() => engine.publicAssets.jwks()`); read on every exchange. */
  readonly jwks: () => Promise<JSONWebKeySet>;
  /** The time tokens are checked at (default: the system clock); pass the engine's clock. */
  readonly now?: () => Date;
}

export interface SandboxGcpConnector extends GcpConnector {
  readonly control: FaultControl;
}

const AUDIENCE = /^\/\/iam\.googleapis\.com\/projects\/(\d+)\/locations\/global\/workloadIdentityPools\/([a-z0-9-]+)\/providers\/[a-z0-9-]+$/;
const SUBJECT = /^workspace:\d+:connection:\d+$/;

/**
 * In-memory GCP STS / IAM credentials / Resource Manager for tests and sandbox mode. The
 * token exchange verifies our JWT against our own JWKS, issuer, `aud` (the provider's resource name)
 * and `sub`; pool `denied-pool` is refused with `invalid_grant`; projects.get returns the project
 * number named in the audience, i.e. the pasted one.
 */
export function createSandboxGcpConnector(options: SandboxGcpOptions): SandboxGcpConnector {
  const { control, enter } = createFaults('gcp');
  const rejected = (message: string) => standInError('gcp', 'STS token exchange', 'invalid_grant', 'refused', message, 400);
  return {
    control,
    async testWorkloadIdentity(input) {
      await enter({ call: 'STS token exchange' });
      const match = AUDIENCE.exec(input.audience);
      if (!match) throw standInError('gcp', 'STS token exchange', 'invalid_request', 'refused', 'Invalid value for "audience".', 400);
      const [, projectNumber, poolId] = match;
      if (poolId === 'denied-pool') throw rejected('The given credential is rejected by the attribute condition.');
      const token = await input.subjectToken();
      try {
        const { payload } = await jwtVerify(token, createLocalJWKSet(await options.jwks()), {
          issuer: options.issuer,
          audience: input.audience,
          algorithms: ['RS256'],
          ...(options.now ? { currentDate: options.now() } : {}),
        });
        if (typeof payload.sub !== 'string' || !SUBJECT.test(payload.sub)) throw new Error('unexpected subject');
      } catch (e) {
        throw rejected(`The subject token is invalid: ${e instanceof Error ? e.message : 'verification failed'}`);
      }
      await enter({ call: 'generateAccessToken' });
      await enter({ call: 'projects.get' });
      return { projectId: input.projectId, projectNumber: projectNumber ?? '' };
    },
  };
}
