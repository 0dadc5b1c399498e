import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import type { FakeRole } from '../fakes/sts.js';
import { AZURE_TOKEN_EXCHANGE_AUDIENCE } from '../fakes/azure.js';
import type { FakeAzureWorld } from '../fakes/azure.js';
import { createIssuerKeyCache, inProcessIssuerDocuments } from '../fakes/oidc-keys.js';
import type { FetchJson } from '../fakes/oidc-keys.js';
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
  /** Our published keys (the JWKS document), read by the fakes as the clouds read it: cached, refetched for an unknown `kid`. */
  readonly jwks: () => Promise<JSONWebKeySet> | JSONWebKeySet;
  /** The time tokens are checked at; default the system clock. */
  readonly now?: () => Date;
}

const AUDIENCE = /^\/\/iam\.googleapis\.com\/projects\/(\d+)\/locations\/global\/workloadIdentityPools\/([a-z0-9-]+)\/providers\/[a-z0-9-]+$/;
const SUBJECT = /^workspace:\d+:connection:\d+$/;

/** What the GCP setup script leaves in the customer's project for one connection (its WIF config and subject). */
export interface SandboxGcpSetup {
  readonly projectNumber: string;
  readonly poolId: string;
  readonly providerId: string;
  readonly serviceAccountEmail: string;
  /** `workspace:<w>:connection:<id>`: the connection the script was rendered for. */
  readonly subject: string;
}

export interface SandboxGcpWorld extends FakeGcpWorld {
  /**
   * Apply what the connection's setup script does: the pool provider's attribute condition becomes
   * `assertion.sub.startsWith('workspace:<w>:connection:')` (update-oidc replaces it), and the
   * service account gains `roles/iam.workloadIdentityUser` for
   * `principal://iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<pool>/subject/<subject>`.
   */
  runSetupScript(setup: SandboxGcpSetup): void;
}

const workloadIdentityPrincipal = (projectNumber: string, poolId: string, subject: string) =>
  `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${poolId}/subject/${subject}`;

/**
 * GCP: STS verifies our token against our issuer's keys (read through its discovery document and
 * cached, as Google does), issuer, audience (the provider's resource name) and subject; pool
 * {@link SANDBOX_DENIED_POOL} is refused. A pool provider and service account the setup script
 * was run for ({@link SandboxGcpWorld.runSetupScript}) decide as Google does: the provider's
 * attribute condition admits that workspace's subjects only (else `invalid_grant`), and the service
 * account may be impersonated only by the subjects bound to it (else 403). Providers and service
 * accounts nobody ran the script for are the open world (every connection of every workspace may
 * share one), and every project exists with the number the audience names.
 */
export function sandboxGcpWorld(oidc: SandboxOidc | undefined): SandboxGcpWorld {
  const now = () => oidc?.now?.() ?? new Date();
  const keys = oidc && createIssuerKeyCache({ fetchJson: sandboxIssuerDocuments(oidc), now });
  /** Provider resource name → the subject prefix of its attribute condition. */
  const conditions = new Map<string, string>();
  /** Service account email → the principals holding roles/iam.workloadIdentityUser on it. */
  const bindings = new Map<string, Set<string>>();
  return {
    runSetupScript(setup) {
      const m = /^(workspace:\d+:connection:)\d+$/.exec(setup.subject);
      if (!m) throw new Error('subject must be workspace:<id>:connection:<id>');
      conditions.set(`//iam.googleapis.com/projects/${setup.projectNumber}/locations/global/workloadIdentityPools/${setup.poolId}/providers/${setup.providerId}`, m[1] ?? '');
      const bound = bindings.get(setup.serviceAccountEmail) ?? new Set<string>();
      bound.add(workloadIdentityPrincipal(setup.projectNumber, setup.poolId, setup.subject));
      bindings.set(setup.serviceAccountEmail, bound);
    },
    async exchange(audience, token) {
      const m = AUDIENCE.exec(audience);
      if (!m) return { error: 'invalid_request', description: 'Invalid value for "audience".' };
      if (m[2] === SANDBOX_DENIED_POOL) return { error: 'invalid_grant', description: 'The given credential is rejected by the attribute condition.' };
      if (!oidc || !keys) return { error: 'invalid_grant', description: 'The sandbox has no OIDC issuer configured.' };
      let sub: string;
      try {
        const issuer = typeof oidc.issuer === 'function' ? oidc.issuer() : oidc.issuer;
        const getKey = await keys.keysFor(issuer, decodeProtectedHeader(token).kid);
        const { payload } = await jwtVerify(token, getKey, { issuer, audience, algorithms: ['RS256'], currentDate: now() });
        if (typeof payload.sub !== 'string' || !SUBJECT.test(payload.sub)) throw new Error('unexpected subject');
        sub = payload.sub;
      } catch (e) {
        return { error: 'invalid_grant', description: `The subject token is invalid: ${e instanceof Error ? e.message : 'verification failed'}` };
      }
      const prefix = conditions.get(audience);
      if (prefix !== undefined && !sub.startsWith(prefix)) return { error: 'invalid_grant', description: 'The given credential is rejected by the attribute condition.' };
      return { subject: sub };
    },
    impersonation(email, principal) {
      const bound = bindings.get(email);
      if (!bound) return 'allowed';
      const m = AUDIENCE.exec(principal.audience);
      return m && bound.has(workloadIdentityPrincipal(m[1] ?? '', m[2] ?? '', principal.subject)) ? 'allowed' : 'denied';
    },
    project: (_projectId, _email, principal) => ({ projectNumber: AUDIENCE.exec(principal.audience)?.[1] ?? '' }),
  };
}

/**
 * Azure: every tenant, app and subscription exists; client secret {@link SANDBOX_INVALID_SECRET} is
 * refused. Federation models what the setup script does in `oidc` mode (one app registration per
 * connection, with a federated credential for our issuer and that connection's subject): an app
 * trusts our issuer for the subject of the first assertion it verified, and for no other — so a
 * token minted for connection A is refused for connection B's app (AADSTS70021).
 */
export function sandboxAzureWorld(oidc: SandboxOidc | undefined): FakeAzureWorld {
  const pinned = new Map<string, string>();
  return {
    hasTenant: () => true,
    app: (tenantId, clientId) => ({
      secretMatches: (secret) => secret !== SANDBOX_INVALID_SECRET,
      federatedCredential(issuer, subject) {
        if (!oidc || issuer !== (typeof oidc.issuer === 'function' ? oidc.issuer() : oidc.issuer) || !SUBJECT.test(subject)) return undefined;
        const key = `${tenantId.toLowerCase()}/${clientId.toLowerCase()}`;
        const owner = pinned.get(key);
        if (owner !== undefined && owner !== subject) return undefined;
        return { issuer, subject, audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE], confirm: () => void pinned.set(key, subject) };
      },
    }),
    subscription: (_id, caller) => ({ displayName: 'Sandbox subscription', tenantId: caller.tenantId, principals: [caller.clientId] }),
  };
}

/**
 * The sandbox's in-process stand-in for GETs of our issuer's discovery document and JWKS (the
 * clouds' fakes read them as they would over HTTP).
 */
export function sandboxIssuerDocuments(oidc: SandboxOidc): FetchJson {
  return inProcessIssuerDocuments(oidc.issuer, oidc.jwks);
}
