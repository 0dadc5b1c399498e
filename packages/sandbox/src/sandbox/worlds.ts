import { createLocalJWKSet, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import type { FakeRole } from '../fakes/sts.js';
import type { FakeAzureWorld } from '../fakes/azure.js';
import type { FakeGcpWorld } from '../fakes/gcp.js';

/**
 * The sandbox's clouds: open worlds where every flow of the README works without an account, with
 * one documented way to be refused per cloud.
 */

/** The account id the sandbox refuses, like an account without the role. */
export const SANDBOX_DENIED_ACCOUNT = '000000000000';
/** The GCP pool id the sandbox refuses (`invalid_grant`, like a failed attribute condition). */
export const SANDBOX_DENIED_POOL = 'denied-pool';
/** The Azure client secret and the Cloudflare token the sandbox refuses. */
export const SANDBOX_INVALID_SECRET = 'invalid';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@/-]{1,64})$/;

/**
 * AWS: every role of every 12-digit account but {@link SANDBOX_DENIED_ACCOUNT} trusts the platform
 * account, on condition of an ExternalId of 32 hex digits (what the engine generates).
 */
export function sandboxAwsRoles(platformAccount: string): (roleArn: string) => FakeRole | undefined {
  return (roleArn) => {
    const m = ROLE_ARN.exec(roleArn);
    if (!m || m[1] === SANDBOX_DENIED_ACCOUNT) return undefined;
    return { accountId: m[1] ?? '', roleName: m[2] ?? '', trustedAccount: platformAccount, externalId: /^[0-9a-f]{32}$/ };
  };
}

export interface SandboxOidc {
  /** Our OIDC issuer (`${publicUrl}/api`); tokens must carry it as `iss`. A function when it is known only later (a test server's port). */
  readonly issuer: string | (() => string);
  /** Our published keys, read on every exchange. */
  readonly jwks: () => Promise<JSONWebKeySet> | JSONWebKeySet;
  /** The time tokens are checked at; default the system clock. */
  readonly now?: () => Date;
}

const AUDIENCE = /^\/\/iam\.googleapis\.com\/projects\/(\d+)\/locations\/global\/workloadIdentityPools\/([a-z0-9-]+)\/providers\/[a-z0-9-]+$/;
const SUBJECT = /^workspace:\d+:connection:\d+$/;

/**
 * GCP: STS verifies our token against our own JWKS, issuer, audience (the provider's resource name)
 * and subject, as Google does; pool {@link SANDBOX_DENIED_POOL} is refused; every service account
 * may be impersonated; every project exists with the number the audience names.
 */
export function sandboxGcpWorld(oidc: SandboxOidc | undefined): FakeGcpWorld {
  return {
    async exchange(audience, token) {
      const m = AUDIENCE.exec(audience);
      if (!m) return { error: 'invalid_request', description: 'Invalid value for "audience".' };
      if (m[2] === SANDBOX_DENIED_POOL) return { error: 'invalid_grant', description: 'The given credential is rejected by the attribute condition.' };
      if (!oidc) return { error: 'invalid_grant', description: 'The sandbox has no OIDC issuer configured.' };
      try {
        const { payload } = await jwtVerify(token, createLocalJWKSet(await oidc.jwks()), {
          issuer: typeof oidc.issuer === 'function' ? oidc.issuer() : oidc.issuer,
          audience,
          algorithms: ['RS256'],
          ...(oidc.now ? { currentDate: oidc.now() } : {}),
        });
        if (typeof payload.sub !== 'string' || !SUBJECT.test(payload.sub)) throw new Error('unexpected subject');
        return { subject: payload.sub };
      } catch (e) {
        return { error: 'invalid_grant', description: `The subject token is invalid: ${e instanceof Error ? e.message : 'verification failed'}` };
      }
    },
    impersonation: () => 'allowed',
    project: (_projectId, _email, principal) => ({ projectNumber: AUDIENCE.exec(principal.audience)?.[1] ?? '' }),
  };
}

/** Azure: every tenant, app and subscription exists; client secret {@link SANDBOX_INVALID_SECRET} is refused. */
export const sandboxAzureWorld: FakeAzureWorld = {
  hasTenant: () => true,
  app: () => ({ secretMatches: (secret) => secret !== SANDBOX_INVALID_SECRET }),
  subscription: (_id, caller) => ({ displayName: 'Sandbox subscription', tenantId: caller.tenantId, principals: [caller.clientId] }),
};
