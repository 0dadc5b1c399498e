import { randomBytes } from 'node:crypto';
import { sendJson, startFakeServer } from './server.js';
import type { FakeServer } from './server.js';

/** The fake Google world: one pool provider, its accepted subject tokens, SA bindings, projects. */
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

export interface FakeGcp {
  readonly sts: FakeServer;
  readonly iam: FakeServer;
  readonly rm: FakeServer;
  /** `token_url` for the connector: `<sts>/v1/token`. */
  readonly stsUrl: string;
  close(): Promise<void>;
}

/** Google API error JSON (AIP-193). */
export function googleApiError(code: number, status: string, message: string): { error: { code: number; message: string; status: string } } {
  return { error: { code, message, status } };
}

/**
 * Fakes of Google STS (`POST /v1/token`, OAuth JSON errors), IAM Credentials
 * (`POST /v1/projects/-/serviceAccounts/<email>:generateAccessToken`) and Resource Manager
 * (`GET /v1/projects/<id>`), each on its own port, checking bearer tokens end to end.
 */
export async function startFakeGcp(options: FakeGcpOptions): Promise<FakeGcp> {
  const stsTokens = new Map<string, string>(); // federated token → subject
  const saTokens = new Map<string, string>(); // impersonated token → SA email

  const sts = await startFakeServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/token') return sendJson(res, 404, { error: 'not_found', error_description: 'no such endpoint' });
    const form = new URLSearchParams(req.body);
    if (
      form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange' ||
      form.get('subject_token_type') !== 'urn:ietf:params:oauth:token-type:jwt' ||
      form.get('requested_token_type') !== 'urn:ietf:params:oauth:token-type:access_token' ||
      !form.get('subject_token')
    ) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'Invalid value for "grant_type", "subject_token_type" or "requested_token_type".' });
    }
    if (form.get('audience') !== options.audience) {
      return sendJson(res, 400, {
        error: 'invalid_target',
        error_description: 'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
      });
    }
    const subject = options.subjectTokens[form.get('subject_token') ?? ''];
    if (subject === undefined) {
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'The given credential is rejected by the attribute condition.' });
    }
    const token = `sts-${randomBytes(12).toString('hex')}`;
    stsTokens.set(token, subject);
    sendJson(res, 200, { access_token: token, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 3600 });
  });

  const iam = await startFakeServer((req, res) => {
    const m = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(req.url);
    if (req.method !== 'POST' || !m) return sendJson(res, 404, googleApiError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    const subject = stsTokens.get(bearer(req.headers.authorization));
    if (subject === undefined) return sendJson(res, 401, googleApiError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
    const email = decodeURIComponent(m[1]!);
    const bound = options.serviceAccounts[email];
    if (!bound) return sendJson(res, 404, googleApiError(404, 'NOT_FOUND', `Not found; Gaia id not found for email ${email}`));
    if (!bound.includes(subject)) {
      return sendJson(res, 403, googleApiError(403, 'PERMISSION_DENIED', "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."));
    }
    const token = `ya29.${randomBytes(12).toString('hex')}`;
    saTokens.set(token, email);
    sendJson(res, 200, { accessToken: token, expireTime: new Date(Date.now() + 3_600_000).toISOString() });
  });

  const rm = await startFakeServer((req, res) => {
    const m = /^\/v1\/projects\/([^/?]+)$/.exec(req.url);
    if (req.method !== 'GET' || !m) return sendJson(res, 404, googleApiError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    const email = saTokens.get(bearer(req.headers.authorization));
    if (email === undefined) return sendJson(res, 401, googleApiError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
    const projectId = decodeURIComponent(m[1]!);
    const project = options.projects[projectId];
    // Google answers 403 for a project that does not exist as for one you cannot read.
    if (!project || !project.readers.includes(email)) {
      return sendJson(res, 403, googleApiError(403, 'PERMISSION_DENIED', 'The caller does not have permission'));
    }
    sendJson(res, 200, { projectNumber: project.projectNumber, projectId, lifecycleState: 'ACTIVE', name: projectId, createTime: '2024-01-15T10:30:00.000Z' });
  });

  return {
    sts,
    iam,
    rm,
    stsUrl: `${sts.url}/v1/token`,
    close: async () => {
      await Promise.all([sts.close(), iam.close(), rm.close()]);
    },
  };
}

function bearer(header: string | undefined): string {
  return header?.startsWith('Bearer ') ? header.slice(7) : '';
}
