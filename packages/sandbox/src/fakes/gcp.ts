import { randomBytes } from 'node:crypto';
import { createFakeService, json } from '../http/fake-service.js';
import type { FakeReply, FakeService } from '../http/fake-service.js';

/** The fake Google world as fixed data: one pool provider, its accepted subject tokens, SA bindings, projects. */
export interface FakeGcpOptions {
  /** The provider resource name STS accepts as `audience`. */
  readonly audience: string;
  /** Subject token → the `sub` it carries; any other token fails the attribute condition. */
  readonly subjectTokens: Readonly<Record<string, string>>;
  /** SA email → the subjects bound to it with roles/iam.workloadIdentityUser. */
  readonly serviceAccounts: Readonly<Record<string, readonly string[]>>;
  /** projectId → { number, the SAs that may read it }. */
  readonly projects: Readonly<Record<string, { readonly projectNumber: string; readonly readers: readonly string[] }>>;
}

/** The caller's identity along the chain: who the subject is and which pool provider vouched for it. */
export interface GcpPrincipal {
  readonly subject: string;
  readonly audience: string;
}

/** The decisions Google makes, as functions (the sandbox computes them; tests give fixed data). */
export interface FakeGcpWorld {
  /** STS: the subject the token proves for that audience, or an OAuth error. */
  exchange(audience: string, subjectToken: string): Promise<{ readonly subject: string } | { readonly error: string; readonly description: string }>;
  /** IAM: may the principal impersonate the SA? */
  impersonation(email: string, principal: GcpPrincipal): 'allowed' | 'not-found' | 'denied';
  /** Resource Manager: the project as that SA (acting for the principal) sees it, or undefined (403). */
  project(projectId: string, email: string, principal: GcpPrincipal): { readonly projectNumber: string } | undefined;
}

export interface FakeGcp {
  readonly sts: FakeService;
  readonly iam: FakeService;
  readonly rm: FakeService;
  /** Whether IAM Credentials issued this service-account access token (other Google fakes, e.g. Cloud DNS, accept exactly these). */
  issuedAccessToken(token: string): boolean;
}

/** Google API error JSON (AIP-193). */
export function googleApiError(code: number, status: string, message: string): { error: { code: number; message: string; status: string } } {
  return { error: { code, message, status } };
}

const INVALID_TARGET =
  'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.';

/** The world of {@link FakeGcpOptions}. */
export function fixedGcpWorld(options: FakeGcpOptions): FakeGcpWorld {
  return {
    exchange: async (audience, token) => {
      if (audience !== options.audience) return { error: 'invalid_target', description: INVALID_TARGET };
      const subject = options.subjectTokens[token];
      return subject === undefined ? { error: 'invalid_grant', description: 'The given credential is rejected by the attribute condition.' } : { subject };
    },
    impersonation: (email, principal) => {
      const bound = options.serviceAccounts[email];
      if (!bound) return 'not-found';
      return bound.includes(principal.subject) ? 'allowed' : 'denied';
    },
    project: (projectId, email) => {
      const project = options.projects[projectId];
      return project?.readers.includes(email) ? { projectNumber: project.projectNumber } : undefined;
    },
  };
}

/**
 * Fakes of Google STS (`POST /v1/token`, OAuth JSON errors), IAM Credentials
 * (`POST /v1/projects/-/serviceAccounts/<email>:generateAccessToken`) and Resource Manager
 * (`GET /v1/projects/<id>`), checking bearer tokens end to end. Three services, as Google has
 * three hosts; {@link gcpRoute} sends each request to the right one.
 */
export function createFakeGcp(world: FakeGcpOptions | FakeGcpWorld): FakeGcp {
  const rules = 'exchange' in world ? world : fixedGcpWorld(world);
  const stsTokens = new Map<string, GcpPrincipal>();
  const saTokens = new Map<string, { email: string; principal: GcpPrincipal }>();

  const sts = createFakeService(async (req): Promise<FakeReply> => {
    if (req.method !== 'POST' || req.url !== '/v1/token') return json(404, { error: 'not_found', error_description: 'no such endpoint' });
    const form = new URLSearchParams(req.body);
    if (
      form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange' ||
      form.get('subject_token_type') !== 'urn:ietf:params:oauth:token-type:jwt' ||
      form.get('requested_token_type') !== 'urn:ietf:params:oauth:token-type:access_token' ||
      !form.get('subject_token')
    ) {
      return json(400, { error: 'invalid_request', error_description: 'Invalid value for "grant_type", "subject_token_type" or "requested_token_type".' });
    }
    const audience = form.get('audience') ?? '';
    const verdict = await rules.exchange(audience, form.get('subject_token') ?? '');
    if ('error' in verdict) return json(400, { error: verdict.error, error_description: verdict.description });
    const token = `sts-${randomBytes(12).toString('hex')}`;
    stsTokens.set(token, { subject: verdict.subject, audience });
    return json(200, { access_token: token, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 3600 });
  });

  const iam = createFakeService((req): FakeReply => {
    const m = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(req.url);
    if (req.method !== 'POST' || !m) return json(404, googleApiError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    const principal = stsTokens.get(bearer(req.headers.authorization));
    if (principal === undefined) return json(401, googleApiError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
    const email = decodeURIComponent(m[1] ?? '');
    const verdict = rules.impersonation(email, principal);
    if (verdict === 'not-found') return json(404, googleApiError(404, 'NOT_FOUND', `Not found; Gaia id not found for email ${email}`));
    if (verdict === 'denied') {
      return json(403, googleApiError(403, 'PERMISSION_DENIED', "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."));
    }
    const token = `ya29.${randomBytes(12).toString('hex')}`;
    saTokens.set(token, { email, principal });
    return json(200, { accessToken: token, expireTime: new Date(Date.now() + 3_600_000).toISOString() });
  });

  const rm = createFakeService((req): FakeReply => {
    const m = /^\/v1\/projects\/([^/?]+)$/.exec(req.url);
    if (req.method !== 'GET' || !m) return json(404, googleApiError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    const caller = saTokens.get(bearer(req.headers.authorization));
    if (caller === undefined) return json(401, googleApiError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
    const projectId = decodeURIComponent(m[1] ?? '');
    const project = rules.project(projectId, caller.email, caller.principal);
    // Google answers 403 for a project that does not exist as for one you cannot read.
    if (!project) return json(403, googleApiError(403, 'PERMISSION_DENIED', 'The caller does not have permission'));
    return json(200, { projectNumber: project.projectNumber, projectId, lifecycleState: 'ACTIVE', name: projectId, createTime: '2024-01-15T10:30:00.000Z' });
  });

  return { sts, iam, rm, issuedAccessToken: (token) => saTokens.has(token) };
}

/** Google's production hosts of the three APIs. */
export const GCP_HOSTS = {
  sts: 'https://sts.googleapis.com',
  iam: 'https://iamcredentials.googleapis.com',
  rm: 'https://cloudresourcemanager.googleapis.com',
} as const;

/** Route requests for Google's production hosts to the fake's services. */
export function gcpRoute(gcp: FakeGcp): (url: URL) => FakeService | undefined {
  return (url) => (url.origin === GCP_HOSTS.sts ? gcp.sts : url.origin === GCP_HOSTS.iam ? gcp.iam : url.origin === GCP_HOSTS.rm ? gcp.rm : undefined);
}

function bearer(header: string | undefined): string {
  return header?.startsWith('Bearer ') ? header.slice(7) : '';
}
